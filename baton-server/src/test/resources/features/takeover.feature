Feature: Taking a lock over
  An administrator may take a lock over from its editor, giving a reason. The editor is shown who takes
  over, why, and the deadline; at the deadline, or when the editor agrees, the lock passes to the
  administrator with a new fencing token, and the editor's lock is revoked: he becomes a viewer and his
  old token is refused by the document service. In an emergency a clinician with the emergency role
  can break the glass and take the lock at once. An administrator can also force-release a lock over
  HTTP.

  The test server runs with a lock time-to-live of 3 seconds and heartbeats every second; operation
  reports give the editor 2 seconds before a takeover completes.

  Background:
    Given operation-report records have this policy
      | takeover.timeout | 2s |
    And Dr. Adams has the "admin" role
    And Dr. Baker has the "admin" role
    And Dr. Grey has the "emergency" role

  Scenario: An administrator takes over; the editor sees the deadline and loses the lock when it passes
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Nurse Jane is viewing operation-report:42:diagnosis
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Dr. Smith is in theatre and the report must go out"
    Then Dr. Adams is told that the lock on operation-report:42:diagnosis passes to him in about 2 seconds
    And Dr. Smith is told that Dr. Adams is taking over operation-report:42:diagnosis because "Dr. Smith is in theatre and the report must go out", with the same deadline
    And Nurse Jane sees Dr. Adams taking over operation-report:42:diagnosis from Dr. Smith
    And the document service accepts Dr. Smith's fencing token for operation-report:42:diagnosis
    Then Dr. Adams is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Adams at the deadline, not before
    And Dr. Smith is told that Dr. Adams revoked his lock on operation-report:42:diagnosis because "Dr. Smith is in theatre and the report must go out"
    And Nurse Jane sees Dr. Smith become a viewer of operation-report:42:diagnosis
    And Nurse Jane sees Dr. Adams editing operation-report:42:diagnosis
    And the document service refuses Dr. Smith's fencing token for operation-report:42:diagnosis because it "superseded"
    And the document service accepts Dr. Adams's fencing token for operation-report:42:diagnosis
    And Dr. Smith can no longer renew his lock on operation-report:42:diagnosis with his old fencing token
    And Nurse Jane never sees Dr. Adams's fencing token
    And Dr. Smith never sees Dr. Adams's fencing token

  Scenario: In an emergency a clinician breaks the glass and gets the lock at once
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Nurse Jane is viewing operation-report:42:diagnosis
    And Dr. Grey is viewing operation-report:42:diagnosis
    When Dr. Grey breaks the glass on operation-report:42:diagnosis because "Patient bleeding, the procedure note must change now"
    Then Dr. Grey gets the lock on operation-report:42:diagnosis at once, with a new, higher fencing token
    And Dr. Smith is told that Dr. Grey revoked his lock on operation-report:42:diagnosis because "Patient bleeding, the procedure note must change now"
    And Nurse Jane sees Dr. Smith become a viewer of operation-report:42:diagnosis
    And Nurse Jane sees Dr. Grey editing operation-report:42:diagnosis
    And the document service refuses Dr. Smith's fencing token for operation-report:42:diagnosis because it "superseded"
    And the document service accepts Dr. Grey's fencing token for operation-report:42:diagnosis
    And Nurse Jane never sees Dr. Grey's fencing token

  Scenario: A takeover needs the administrator role and a reason; breaking the glass needs the emergency role
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Nurse Jane is viewing operation-report:42:diagnosis
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Nurse Jane takes over operation-report:42:diagnosis because "I have to finish the report"
    Then Nurse Jane is refused because she does not have the role for it
    When Nurse Jane breaks the glass on operation-report:42:diagnosis because "I have to finish the report"
    Then Nurse Jane is refused because she does not have the role for it
    When Dr. Adams breaks the glass on operation-report:42:diagnosis because "The report must go out"
    Then Dr. Adams is refused because he does not have the role for it
    When Dr. Adams takes over operation-report:42:diagnosis without giving a reason
    Then Dr. Adams is told that a takeover needs a reason
    When Dr. Adams takes over operation-report:42:diagnosis because "   "
    Then Dr. Adams is told that a takeover needs a reason
    And Dr. Smith still holds the lock on operation-report:42:diagnosis, and nobody is taking it over
    And Dr. Smith was never told of a takeover of operation-report:42:diagnosis

  Scenario: The editor agrees and hands the lock over at once
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Correction requested by the coroner"
    Then Dr. Smith is told that Dr. Adams is taking over operation-report:42:diagnosis because "Correction requested by the coroner", with the same deadline
    When Dr. Smith agrees to hand operation-report:42:diagnosis over
    Then Dr. Smith's answer is confirmed
    And Dr. Adams is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Adams well before the deadline
    And Dr. Smith is told that Dr. Adams revoked his lock on operation-report:42:diagnosis because "Correction requested by the coroner"
    And the document service refuses Dr. Smith's fencing token for operation-report:42:diagnosis because it "superseded"

  Scenario: Where declining is not allowed, the editor cannot refuse and the lock passes at the deadline
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Audit correction"
    And Dr. Smith declines to hand operation-report:42:diagnosis over
    Then Dr. Smith is refused because declining is not allowed for operation-report records
    And the document service sees Dr. Adams still taking over operation-report:42:diagnosis
    And Dr. Adams is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Adams at the deadline, not before
    And Dr. Smith is told that Dr. Adams revoked his lock on operation-report:42:diagnosis because "Audit correction"

  Scenario: Where the policy allows it, the editor declines and keeps the lock
    Given nursing-note records have this policy
      | takeover.timeout      | 2s   |
      | takeover.allowDecline | true |
    And Dr. Smith is editing nursing-note:9
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing nursing-note:9
    When Dr. Adams takes over nursing-note:9 because "Audit correction"
    And Dr. Smith declines to hand nursing-note:9 over
    Then Dr. Smith's answer is confirmed
    And Dr. Adams is told that Dr. Smith declined to hand nursing-note:9 over
    And Dr. Adams sees that nobody is taking nursing-note:9 over any more
    When Dr. Smith's tab sends a heartbeat every second for 3 seconds
    Then Dr. Smith still holds the lock on nursing-note:9, and nobody is taking it over
    And Dr. Adams was never given the lock on nursing-note:9

  Scenario: A second administrator is told a takeover is under way; the first one withdraws
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing operation-report:42:diagnosis
    And Dr. Baker is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Audit correction"
    And Dr. Baker takes over operation-report:42:diagnosis because "Billing correction"
    Then Dr. Baker is refused because Dr. Adams is already taking over operation-report:42:diagnosis
    When Dr. Adams withdraws his takeover of operation-report:42:diagnosis
    Then Dr. Adams is told that his takeover of operation-report:42:diagnosis is withdrawn
    And Dr. Baker sees that nobody is taking operation-report:42:diagnosis over any more
    When Dr. Baker takes over operation-report:42:diagnosis because "Billing correction"
    Then Dr. Baker is told that the lock on operation-report:42:diagnosis passes to him in about 2 seconds
    And Dr. Smith is told that Dr. Baker is taking over operation-report:42:diagnosis because "Billing correction", with the same deadline
    And Dr. Baker is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Baker at the deadline, not before
    And Dr. Adams was never given the lock on operation-report:42:diagnosis

  Scenario: An administrator force-releases a lock over HTTP
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Nurse Jane is viewing operation-report:42:diagnosis
    When the document service force-releases operation-report:42:diagnosis over HTTP because "Workstation crashed"
    Then the force release is refused with HTTP 403 "FORBIDDEN"
    When Dr. Adams force-releases operation-report:42:diagnosis over HTTP without a reason
    Then the force release is refused with HTTP 400 "BAD_REQUEST"
    And the document service accepts Dr. Smith's fencing token for operation-report:42:diagnosis
    When Dr. Adams force-releases operation-report:42:diagnosis over HTTP because "Dr. Smith's workstation crashed"
    Then the force release of operation-report:42:diagnosis is confirmed
    And Dr. Smith is told that Dr. Adams revoked his lock on operation-report:42:diagnosis because "Dr. Smith's workstation crashed"
    And Nurse Jane sees within 5 seconds that nobody holds the lock on operation-report:42:diagnosis
    And Nurse Jane sees Dr. Smith become a viewer of operation-report:42:diagnosis
    And the document service refuses Dr. Smith's fencing token for operation-report:42:diagnosis because it "released"
    When Dr. Adams force-releases operation-report:42:diagnosis over HTTP because "Once more"
    Then the force release is refused with HTTP 409 "NOT_HOLDER"
    And Nurse Jane can take the lock on operation-report:42:diagnosis

  Scenario: The editor releases the lock during a takeover, and the administrator gets it at once
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Audit correction"
    And Dr. Smith releases his lock on operation-report:42:diagnosis
    Then Dr. Adams is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Adams well before the deadline
    And the document service refuses Dr. Smith's fencing token for operation-report:42:diagnosis because it "superseded"

  Scenario: The editor closes his tab during a takeover, and the administrator gets the lock at once
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing operation-report:42:diagnosis
    When Dr. Adams takes over operation-report:42:diagnosis because "Audit correction"
    And Dr. Smith closes his tab
    Then Dr. Adams is given the lock on operation-report:42:diagnosis with a new, higher fencing token
    And the lock passed to Dr. Adams well before the deadline

  Scenario: Where takeovers are immediate, the administrator gets the lock at once
    Given consent-form records have this policy
      | takeover.mode | immediate |
    And Dr. Smith is editing consent-form:5
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing consent-form:5
    When Dr. Adams takes over consent-form:5 because "The patient withdrew consent"
    Then Dr. Adams gets the lock on consent-form:5 at once, with a new, higher fencing token
    And Dr. Smith is told that Dr. Adams revoked his lock on consent-form:5 because "The patient withdrew consent"
    And the document service refuses Dr. Smith's fencing token for consent-form:5 because it "superseded"

  Scenario: Where takeovers are disabled, administrators are refused but the emergency can still break the glass
    Given anaesthesia-chart records have this policy
      | takeover.mode | disabled |
    And Dr. Smith is editing anaesthesia-chart:5
    And Dr. Smith's tab sends a heartbeat every second from now on
    And Dr. Adams is viewing anaesthesia-chart:5
    And Dr. Grey is viewing anaesthesia-chart:5
    When Dr. Adams takes over anaesthesia-chart:5 because "Audit correction"
    Then Dr. Adams is refused because takeovers are disabled for anaesthesia-chart records
    And Dr. Smith was never told of a takeover of anaesthesia-chart:5
    When Dr. Grey breaks the glass on anaesthesia-chart:5 because "Cardiac arrest"
    Then Dr. Grey gets the lock on anaesthesia-chart:5 at once, with a new, higher fencing token
    And Dr. Smith is told that Dr. Grey revoked his lock on anaesthesia-chart:5 because "Cardiac arrest"

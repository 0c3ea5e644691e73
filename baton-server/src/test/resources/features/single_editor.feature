Feature: One editor at a time on a clinical record
  Dr. Smith and Nurse Jane work on the same operation report. With "last save wins" the work of
  whoever saved first would be lost, so Baton lets only one of them edit at a time, tells the other
  who is editing, keeps the lock while the editor's tab is alive and frees it when the editor is gone.

  The test server runs with a lock time-to-live of 3 seconds, heartbeats every second, a disconnect
  grace of 2 seconds and an expiry warning 1.5 seconds before a lock runs out.

  Scenario: A second clinician who opens the report to edit is told who is editing and joins as a viewer
    Given Dr. Smith is editing operation-report:42
    When Nurse Jane opens operation-report:42 to edit it
    Then Nurse Jane joins operation-report:42 as a viewer because Dr. Smith holds the lock
    And Nurse Jane is told the lock expires in about 3 seconds
    When Nurse Jane tries to take the lock on operation-report:42
    Then Nurse Jane is refused because Dr. Smith is editing operation-report:42
    And Nurse Jane never sees Dr. Smith's fencing token

  Scenario: Heartbeats keep the lock for as long as the editor's tab is alive
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    When Dr. Smith's tab sends a heartbeat every second for 9 seconds
    Then every heartbeat renewed Dr. Smith's lock on operation-report:42 with the same fencing token
    And Dr. Smith was never warned that his lock is expiring
    And Nurse Jane never saw the lock on operation-report:42 free
    And Nurse Jane never sees Dr. Smith's fencing token
    And the document service sees Dr. Smith holding operation-report:42
    And the document service accepts Dr. Smith's fencing token for operation-report:42

  Scenario: Without heartbeats the lock expires and the next clinician can edit
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    When Dr. Smith's tab stops sending heartbeats
    Then Nurse Jane sees within 5 seconds that nobody holds the lock on operation-report:42
    And Dr. Smith is told that his lock on operation-report:42 has expired
    And Dr. Smith was warned once that his lock on operation-report:42 was expiring, before it expired
    And the document service refuses Dr. Smith's fencing token for operation-report:42 because it "expired"
    And Nurse Jane can take the lock on operation-report:42
    And the document service refuses Dr. Smith's fencing token for operation-report:42 because it "superseded"
    And Nurse Jane never sees Dr. Smith's fencing token

  Scenario: The editor's connection drops and the lock is freed when the grace runs out
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    When Dr. Smith's connection drops right after a heartbeat, without saying goodbye
    Then Nurse Jane sees Dr. Smith as away on operation-report:42
    And Nurse Jane sees the lock on operation-report:42 still held by Dr. Smith, in his grace
    When Nurse Jane tries to take the lock on operation-report:42
    Then Nurse Jane is refused because Dr. Smith is still holding operation-report:42 in his grace
    And Nurse Jane sees within 4 seconds that nobody holds the lock on operation-report:42
    And Nurse Jane sees Dr. Smith leave operation-report:42 because he "disconnected"
    And Nurse Jane can take the lock on operation-report:42
    And Nurse Jane never sees Dr. Smith's fencing token

  Scenario: The editor's tab reconnects within the grace and carries on editing
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    When Dr. Smith's connection drops right after a heartbeat, without saying goodbye
    Then Nurse Jane sees Dr. Smith as away on operation-report:42
    When Nurse Jane tries to take the lock on operation-report:42
    Then Nurse Jane is refused because Dr. Smith is still holding operation-report:42 in his grace
    When Dr. Smith's tab reconnects with its resume token
    Then Dr. Smith gets his session back with the lock on operation-report:42 and the same fencing token
    And Nurse Jane sees Dr. Smith online again on operation-report:42
    And Dr. Smith can renew his lock on operation-report:42 with his old fencing token
    And Nurse Jane never sees Dr. Smith's fencing token
    And the document service accepts Dr. Smith's fencing token for operation-report:42

  Scenario Outline: Two spellings of one record name one lock
    Given Dr. Smith is editing <one spelling>
    When Nurse Jane opens <other spelling> to edit it
    Then Nurse Jane joins <normalized> as a viewer because Dr. Smith holds the lock
    When Nurse Jane tries to take the lock on <one spelling>
    Then Nurse Jane is refused because Dr. Smith is editing <normalized>
    And every message Dr. Smith and Nurse Jane received about the record names it <normalized>
    And Nurse Jane never sees Dr. Smith's fencing token
    And the document service sees Dr. Smith holding <normalized> when it asks about <other spelling>
    And the document service accepts Dr. Smith's fencing token for <other spelling>

    Examples:
      | one spelling                                                    | other spelling                                                  | normalized                                                      |
      | document:123                                                    | document:123:main                                               | document:123:main                                               |
      | document:123:main                                               | document:123                                                    | document:123:main                                               |
      | operation-report:7F1C0A4E-3B2D-4C5E-8F9A-0B1C2D3E4F5A:diagnosis | operation-report:7f1c0a4e-3b2d-4c5e-8f9a-0b1c2d3e4f5a:diagnosis | operation-report:7f1c0a4e-3b2d-4c5e-8f9a-0b1c2d3e4f5a:diagnosis |

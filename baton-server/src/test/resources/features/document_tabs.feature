Feature: Several clinicians on the tabs of one document
  An operation report has tabs (diagnosis, procedure, findings, ...). Each tab is locked on its own, so
  two clinicians can write different tabs at the same time. One clinician may hold at most five tab
  locks in one document, across all of his windows. The whole-document lock (`:*`, for sign-off) is
  granted only while nobody else edits a tab, and while it is held nobody else can edit a tab. A
  second window of the same clinician is told that he is editing the tab already, and may move the
  lock there. A record type can limit how many people view a record at once.

  The test server runs with a lock time-to-live of 3 seconds and heartbeats every second.

  Scenario: Two clinicians edit two tabs of one operation report at the same time
    Given Dr. Smith has operation-report:42:diagnosis and operation-report:42:procedure open
    And Nurse Jane has operation-report:42:diagnosis and operation-report:42:procedure open
    When Dr. Smith starts editing operation-report:42:diagnosis while Nurse Jane starts editing operation-report:42:procedure
    Then Dr. Smith holds the lock on operation-report:42:diagnosis
    And Nurse Jane holds the lock on operation-report:42:procedure
    And Dr. Smith sees Nurse Jane editing operation-report:42:procedure
    And Nurse Jane sees Dr. Smith editing operation-report:42:diagnosis
    And the document service sees Dr. Smith holding operation-report:42:diagnosis
    And the document service sees Nurse Jane holding operation-report:42:procedure
    And the document service sees both tabs of operation-report:42 edited, with Dr. Smith and Nurse Jane present once each
    And the document service accepts Dr. Smith's fencing token for operation-report:42:diagnosis
    And the document service accepts Nurse Jane's fencing token for operation-report:42:procedure
    And Nurse Jane never sees Dr. Smith's fencing token
    And Dr. Smith never sees Nurse Jane's fencing token

  Scenario: A sixth tab lock is refused, and after releasing one the clinician can lock another
    Given Dr. Smith is editing these tabs of operation-report:42
      | diagnosis   |
      | procedure   |
      | findings    |
      | anaesthesia |
    And Dr. Smith is editing operation-report:42:medication in a second window
    When Dr. Smith opens operation-report:42:complications to edit it
    Then Dr. Smith joins operation-report:42:complications as a viewer because he holds 5 locks in operation-report:42 already
    When Dr. Smith tries to take the lock on operation-report:42:complications
    Then Dr. Smith is refused because he already holds 5 of the 5 locks allowed in one document
    When Dr. Smith releases his lock on operation-report:42:findings
    Then Dr. Smith can take the lock on operation-report:42:complications
    When Dr. Smith tries to take the lock on operation-report:42:findings
    Then Dr. Smith is refused because he already holds 5 of the 5 locks allowed in one document
    And Nurse Jane is editing operation-report:42:consent

  Scenario: The whole-document lock waits until nobody edits a tab, and then keeps everyone else out of every tab
    Given Dr. Smith is editing operation-report:42:diagnosis
    When Nurse Jane opens operation-report:42:* to edit it
    Then Nurse Jane joins operation-report:42:* as a viewer because Dr. Smith is editing operation-report:42:diagnosis
    When Nurse Jane tries to take the lock on operation-report:42:*
    Then Nurse Jane is refused because Dr. Smith is editing operation-report:42:diagnosis of that document
    When Dr. Smith releases his lock on operation-report:42:diagnosis
    Then Nurse Jane can take the lock on operation-report:42:*
    When Dr. Smith tries to take the lock on operation-report:42:diagnosis
    Then Dr. Smith is refused because Nurse Jane holds the whole-document lock operation-report:42:*
    When Dr. Smith opens operation-report:42:procedure to edit it
    Then Dr. Smith joins operation-report:42:procedure as a viewer because Nurse Jane holds the whole-document lock operation-report:42:*
    When Nurse Jane releases her lock on operation-report:42:*
    Then Dr. Smith can take the lock on operation-report:42:procedure

  Scenario: A clinician's second window is told he is editing already, and can move the lock there
    Given Dr. Smith is editing operation-report:42:diagnosis
    And Nurse Jane is viewing operation-report:42:diagnosis
    When Dr. Smith opens operation-report:42:diagnosis to edit it in a second window
    Then the second window joins operation-report:42:diagnosis as a viewer because Dr. Smith's first window holds the lock
    When Dr. Smith tries to take the lock on operation-report:42:diagnosis in the second window
    Then the second window is refused because Dr. Smith is editing operation-report:42:diagnosis in another window
    When Dr. Smith moves the lock on operation-report:42:diagnosis to the second window
    Then the second window holds the lock on operation-report:42:diagnosis with a new, higher fencing token
    And Dr. Smith's first window is told that its lock on operation-report:42:diagnosis was taken over by his second window
    And Nurse Jane sees Dr. Smith's second window editing operation-report:42:diagnosis and his first window viewing it
    And the document service refuses the first window's fencing token for operation-report:42:diagnosis because it "superseded"
    And the document service accepts the second window's fencing token for operation-report:42:diagnosis
    And Nurse Jane never sees Dr. Smith's fencing token

  Scenario: A lab result with room for two viewers turns a third viewer away, but not its editor
    Given lab-result records have this policy
      | maxViewers | 2 |
    And Nurse Jane is viewing lab-result:7
    And Nurse Kim is viewing lab-result:7
    When Dr. Patel opens lab-result:7 to view it
    Then Dr. Patel is turned away because lab-result:7 already has 2 of 2 viewers
    When Dr. Smith opens lab-result:7 to edit it
    Then Dr. Smith joins lab-result:7 as its editor, under a policy of at most 2 viewers
    When Nurse Kim closes lab-result:7
    Then Dr. Patel can view lab-result:7

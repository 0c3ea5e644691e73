Feature: Asking the editor for the lock
  A clinician who needs to edit a record that someone else is editing can ask the editor to let go
  ("may I edit?"). The editor sees who asks and why. To spare the editor, one clinician may ask once
  every 30 seconds per record, from whichever window.

  Scenario: A request reaches the editor, and asking again straight away is refused
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    And Dr. Patel is viewing operation-report:42
    When Nurse Jane asks Dr. Smith for the lock on operation-report:42 saying "May I add the histology result?"
    Then Nurse Jane is told that her request was sent
    And Dr. Smith is asked by Nurse Jane for the lock on operation-report:42 saying "May I add the histology result?"
    When Nurse Jane asks Dr. Smith for the lock on operation-report:42 saying "It is urgent"
    Then Nurse Jane is told to wait about 30 seconds before asking again
    When Nurse Jane asks Dr. Smith for the lock on operation-report:42 from a second window saying "Please"
    Then Nurse Jane is told to wait about 30 seconds before asking again
    When Dr. Patel asks Dr. Smith for the lock on operation-report:42 saying "I need to add the drain"
    Then Dr. Patel is told that his request was sent
    And Dr. Smith is asked by Dr. Patel for the lock on operation-report:42 saying "I need to add the drain"
    And Dr. Smith was asked for the lock on operation-report:42 by Nurse Jane only once
    And the document service accepts Dr. Smith's fencing token for operation-report:42

Feature: Waiting in line for a lock
  For a record type whose policy says `conflict: queue`, a clinician who finds the record locked can
  wait in line for it. When the lock frees, the first in line gets it at once, with a new fencing token,
  and everyone behind moves up. A clinician can step out of the line at any time.

  The test server runs with a lock time-to-live of 3 seconds and heartbeats every second.

  Background:
    Given discharge-letter records have this policy
      | conflict | queue |

  Scenario: Waiting clinicians get the lock in the order they asked for it
    Given Dr. Smith is editing discharge-letter:17
    And Nurse Jane is viewing discharge-letter:17
    And Dr. Patel is viewing discharge-letter:17
    When Nurse Jane asks to wait for the lock on discharge-letter:17
    Then Nurse Jane is number 1 in line for discharge-letter:17
    When Dr. Patel asks to wait for the lock on discharge-letter:17
    Then Dr. Patel is number 2 in line for discharge-letter:17
    And Dr. Smith sees 2 clinicians waiting for discharge-letter:17
    When Dr. Smith releases his lock on discharge-letter:17
    Then Nurse Jane is given the lock on discharge-letter:17 with a new, higher fencing token
    And Dr. Patel is told that he is now number 1 in line for discharge-letter:17
    And Dr. Smith sees Nurse Jane editing discharge-letter:17
    When Nurse Jane releases her lock on discharge-letter:17
    Then Dr. Patel is given the lock on discharge-letter:17 with a new, higher fencing token
    And the document service accepts Dr. Patel's fencing token for discharge-letter:17
    And the document service refuses Nurse Jane's fencing token for discharge-letter:17 because it "superseded"
    And Dr. Smith never sees Nurse Jane's fencing token
    And Nurse Jane never sees Dr. Patel's fencing token

  Scenario: A clinician who steps out of the line is never given the lock
    Given Dr. Smith is editing discharge-letter:17
    And Nurse Jane is waiting for the lock on discharge-letter:17 as number 1
    And Dr. Patel is waiting for the lock on discharge-letter:17 as number 2
    When Nurse Jane stops waiting for the lock on discharge-letter:17
    Then Nurse Jane is told that she no longer waits for discharge-letter:17
    And Dr. Patel is told that he is now number 1 in line for discharge-letter:17
    When Dr. Smith releases his lock on discharge-letter:17
    Then Dr. Patel is given the lock on discharge-letter:17 with a new, higher fencing token
    And Nurse Jane sees Dr. Patel editing discharge-letter:17
    And Nurse Jane was never given the lock on discharge-letter:17
    When Nurse Jane stops waiting for the lock on discharge-letter:17
    Then Nurse Jane is told that there is nothing to cancel

  Scenario: Where a record type does not queue, asking to wait is refused like any lock in use
    Given Dr. Smith is editing operation-report:42
    And Nurse Jane is viewing operation-report:42
    When Nurse Jane asks to wait for the lock on operation-report:42
    Then Nurse Jane is refused because Dr. Smith is editing operation-report:42

  Scenario: A clinician who closes her tab while waiting is taken out of the line
    Given Dr. Smith is editing discharge-letter:17
    And Nurse Jane is waiting for the lock on discharge-letter:17 as number 1
    And Dr. Patel is waiting for the lock on discharge-letter:17 as number 2
    When Nurse Jane closes her tab
    Then Dr. Patel is told that he is now number 1 in line for discharge-letter:17
    When Dr. Smith releases his lock on discharge-letter:17
    Then Dr. Patel is given the lock on discharge-letter:17 with a new, higher fencing token

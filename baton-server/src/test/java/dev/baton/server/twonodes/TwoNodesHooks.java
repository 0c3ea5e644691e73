package dev.baton.server.twonodes;

import dev.baton.server.features.ClinicalSteps;
import io.cucumber.java.After;
import io.cucumber.java.Before;

/**
 * Glue of {@link RunCucumberOnTwoNodesTest} only: every scenario runs on two nodes sharing one Redis
 * (see {@code ClinicalSteps.twoNodes}). The flag is set before the scenario's first step and cleared
 * after its last hook, so the one-node suite in the same JVM is unaffected.
 */
public class TwoNodesHooks {

  @Before(order = -100)
  public void onTwoNodes() {
    ClinicalSteps.useTwoNodes(true);
  }

  @After(order = -100)
  public void backToOneNode() {
    ClinicalSteps.useTwoNodes(false);
  }
}

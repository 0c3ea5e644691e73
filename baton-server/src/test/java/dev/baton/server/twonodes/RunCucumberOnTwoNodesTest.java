package dev.baton.server.twonodes;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PUBLISH_QUIET_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectClasspathResource;
import org.junit.platform.suite.api.Suite;

/**
 * The clinical scenarios of {@code src/test/resources/features} again, on two nodes sharing one real
 * Redis (embedded): people alternate between node A and node B, a second window opens on the other node
 * than the first, and a tab that reconnects resumes on the other node. Same steps, same expectations
 * as on one memory node ({@code RunCucumberTest}): the Redis store and the cross-node relay must be
 * indistinguishable to a client.
 */
@Suite
@IncludeEngines("cucumber")
@SelectClasspathResource("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.baton.server.features,dev.baton.server.twonodes")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
@ConfigurationParameter(key = PLUGIN_PUBLISH_QUIET_PROPERTY_NAME, value = "true")
public class RunCucumberOnTwoNodesTest {}

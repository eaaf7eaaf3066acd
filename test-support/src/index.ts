export { freePort, listen, canConnect, LOOPBACK, type Listening } from './net.js';
export {
  FakeHttpServer,
  type RecordedRequest,
  type FakeReply,
  type Fault,
  type RouteMatcher,
  type FaultOptions,
} from './fake-server.js';
export { basicCredentials } from './auth.js';
export { fakeTwilioApi, FakeTwilioApi, countSegments, type FakeTwilioOptions, type SentMessage, type TwilioErrorKind } from './twilio.js';
export { twilioSignature, signedSms, messageSid, type SignedSms } from './twilio-signature.js';
export {
  fakeDatadog,
  FakeDatadog,
  type FakeDatadogOptions,
  type DatadogSeriesSeed,
  type DatadogMonitorSeed,
  type DatadogGroupStatus,
  type DatadogUnit,
  type DatadogRateLimit,
} from './datadog.js';
export {
  fakeElasticsearch,
  FakeElasticsearch,
  type FakeElasticsearchOptions,
  type ElasticDocument,
  type ClusterHealth,
} from './elasticsearch.js';
export { fakeLoki, FakeLoki, type FakeLokiOptions, type LokiStream, type LokiQueryRecord } from './loki.js';
export { parseLogQuery, LogQLParseError, type ParsedLogQuery, type LabelMatcher, type LineFilter } from './logql.js';
export { fakeAws, FakeAws, type FakeAwsOptions, type LogEventSeed, type MetricSeed } from './aws.js';
export {
  fakeKong,
  FakeKong,
  type FakeKongOptions,
  type KongEntity,
  type KongTargetSeed,
  type KongTargetHealth,
  type KongStatus,
} from './kong.js';
export {
  fakeNewRelic,
  FakeNewRelic,
  NERDGRAPH_CONCURRENCY_LIMIT,
  type FakeNewRelicOptions,
  type NrqlCall,
  type NewRelicIssueSeed,
} from './newrelic.js';
export { fakeJsonEndpoint, FakeJsonEndpoint, type FakeJsonEndpointOptions } from './json-endpoint.js';
export { startExporter, FixtureExporter } from './exporter.js';
export { requireBinary, findBinary, missingServers, INSTALL_HINT, TEST_SERVERS, type TestServer } from './binaries.js';
export { startProcess, waitUntil, type ManagedProcess } from './processes.js';
export {
  startPrometheus,
  type PrometheusOptions,
  type RunningPrometheus,
  type PrometheusQueryResult,
  type ScrapeTarget,
} from './prometheus.js';
export { startAlertmanager, type AlertmanagerOptions, type RunningAlertmanager } from './alertmanager.js';
export { startPgBouncer, type PgBouncerOptions, type RunningPgBouncer } from './pgbouncer.js';
export { localNpmRegistry, type LocalNpmRegistry } from './npm-registry.js';

// Service Bus Standard namespace (Entra ID only) with the completion topic and the three
// subscriptions this service consumes. Tenants add their own subscriptions (docs/deploy.md).

param namespaceName string
param location string
param tags object

@description('How long the topic remembers message ids for duplicate detection. The outbox sweep republishes an event whose send was not recorded (crash between send and clear) a few minutes later, and keeps retrying while Cosmos is unavailable; the window must cover that delay plus retries, so a republished event is dropped instead of delivered twice. Longer windows cost some throughput. The window can be changed later; duplicate detection itself cannot be switched on or off once the topic exists.')
param duplicateDetectionWindow string = 'PT1H'

@description('Log Analytics workspace (resource id) that receives the namespace\'s logs.')
param logAnalyticsWorkspaceId string

// The names the code uses (shared/config.ts EVENTS_TOPIC default, the serviceBusFunction
// registrations); infra/drift.test.ts fails when they differ.
var topicName = 'evaluation-sessions'
var completedEventType = 'com.speechminer.evaluationsession.completed.v1'
var disputeResolvedEventType = 'com.speechminer.evaluationsession.dispute-resolved.v1'
var rescoredEventType = 'com.speechminer.evaluationsession.rescored.v1'
var archivedEventType = 'com.speechminer.evaluationsession.archived.v1'
var subscriptions = [
  'tagging'
  'notifications'
  'analytics'
]
// The subjects (event types) each subscription takes: one correlation rule per subject.
var subjectRules = [
  {
    subscription: 'tagging'
    rule: 'completed'
    subject: completedEventType
  }
  {
    subscription: 'notifications'
    rule: 'completed'
    subject: completedEventType
  }
  {
    subscription: 'notifications'
    rule: 'dispute-resolved'
    subject: disputeResolvedEventType
  }
  {
    subscription: 'analytics'
    rule: 'completed'
    subject: completedEventType
  }
  {
    subscription: 'analytics'
    rule: 'rescored'
    subject: rescoredEventType
  }
  {
    subscription: 'analytics'
    rule: 'archived'
    subject: archivedEventType
  }
]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
    enableBatchedOperations: true
    supportOrdering: false
  }
}

// lockDuration: a consumer does a few Cosmos writes; one minute covers a cold start plus
// the SDK's retries, and a crashed instance's message is redelivered within a minute (the
// Functions host renews the lock while a handler is still running).
resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for subscription in subscriptions: {
    parent: topic
    name: subscription
    properties: {
      lockDuration: 'PT1M'
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      defaultMessageTimeToLive: 'P14D'
      requiresSession: false
      enableBatchedOperations: true
    }
  }
]

// A subscription's rules: one correlation filter per subject (CloudEvent type) it takes, so
// events of other types never reach its consumer (a message matching any rule is delivered
// once). A subscription starts with a `$Default` accept-all rule; the resource provider is
// reported to drop it when the first rule is created through ARM, which could not be verified
// here: docs/deploy.md shows how to check after the first deployment and delete it if it is
// still there.
resource rules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for rule in subjectRules: {
    name: '${namespace.name}/${topic.name}/${rule.subscription}/subject-${rule.rule}'
    properties: {
      filterType: 'CorrelationFilter'
      correlationFilter: {
        label: rule.subject
      }
    }
    dependsOn: [
      topicSubscriptions
    ]
  }
]

// Operations on the namespace, topic, subscriptions and rules go to Log Analytics. The
// data-plane log (RuntimeAuditLogs: who sent or received) exists only on the Premium tier;
// this Standard namespace has none, and publishing is traced by the app's own telemetry.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'operations-to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'OperationalLogs'
        enabled: true
      }
    ]
  }
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output topicName string = topic.name

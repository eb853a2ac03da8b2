// Alerts for the operator (docs/operations.md): a message in a dead-letter queue of the events
// topic means a consumer gave up on it (10 deliveries) and an effect (a tag, an action item) is
// missing until someone replays it (`npm run dlq`). The metric counts the dead letters of all
// the topic's subscriptions under the topic's name.

param namespaceName string
param topicName string
param tags object

@description('Email addresses notified when the alert fires; empty: the alert still fires and shows in the portal.')
param alertEmails array = []

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmails)) {
  name: 'ag-${namespaceName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'evalsessops'
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: {
        name: 'operator-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-dead-letters-${namespaceName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message of topic ${topicName} was dead-lettered: see docs/operations.md (npm run dlq -- list).'
    severity: 2
    enabled: true
    scopes: [
      namespace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'dead-lettered'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                topicName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    // Resolves by itself once the queues are empty again (replayed or removed).
    autoMitigate: true
    actions: empty(alertEmails)
      ? []
      : [
          {
            actionGroupId: operators.id
          }
        ]
  }
}

output deadLetterAlertName string = deadLetters.name

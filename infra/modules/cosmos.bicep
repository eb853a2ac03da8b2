// Cosmos DB for NoSQL: the account (Entra ID only), the database and its containers. The
// database and containers are created here because data-plane RBAC cannot create them; the
// code creates them only in the local host.

param accountName string
param databaseName string
param location string
param tags object

@allowed([
  'serverless'
  'autoscale'
])
@description('serverless: pay per request, no minimum (bursty, human-paced QM traffic). autoscale: shared database throughput that scales between 10% and 100% of autoscaleMaxThroughput (large tenants with sustained load or multi-region needs). Fixed at account creation.')
param throughputMode string = 'serverless'

@minValue(1000)
@description('Autoscale only: the database\'s maximum RU/s (shared by its containers).')
param autoscaleMaxThroughput int = 1000

@description('Log Analytics workspace (resource id) that receives the account\'s data-plane logs.')
param logAnalyticsWorkspaceId string

// One entry per container, in the ARM (and @azure/cosmos) shape: id, the hierarchical partition
// key (MultiHash, version 2), the indexing policy with the composite index each paged ORDER BY
// needs, and `defaultTtl` only where a container expires items. A copy of
// shared/adapters/cosmos/containers.ts `containerDefinitions`; infra/drift.test.ts fails when
// they differ (docs/data-model.md argues the choices).
var containers = loadJsonContent('cosmos-containers.json')

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: throughputMode == 'serverless'
      ? [
          {
            name: 'EnableServerless'
          }
        ]
      : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: throughputMode == 'autoscale'
      ? {
          autoscaleSettings: {
            maxThroughput: autoscaleMaxThroughput
          }
        }
      : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: union(
        {
          id: container.id
          partitionKey: container.partitionKey
          indexingPolicy: container.indexingPolicy
        },
        contains(container, 'defaultTtl')
          ? {
              defaultTtl: container.defaultTtl
            }
          : {}
      )
    }
  }
]

// Who read and wrote what (caller identity, operation, status, request charge) goes to Log
// Analytics, so an access to the tenant's data can be traced. Resource-specific tables
// (CDBDataPlaneRequests, CDBControlPlaneRequests).
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'data-plane-to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'DataPlaneRequests'
        enabled: true
      }
      {
        category: 'ControlPlaneRequests'
        enabled: true
      }
    ]
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name

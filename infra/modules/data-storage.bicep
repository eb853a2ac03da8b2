// The data account: interaction media and generated exports. Reached only with Entra ID
// (shared keys off), so SAS links are user-delegation SAS signed with the app's identity.

param name string
param location string
param tags object

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param skuName string = 'Standard_LRS'

@minValue(1)
@maxValue(365)
@description('Days after which a generated export is deleted (lifecycle management runs about once a day).')
param exportRetentionDays int

@description('Browser origins allowed to use SAS links with XHR/fetch (the web UI). Empty: no CORS rule.')
param corsAllowedOrigins array = []

@description('Log Analytics workspace (resource id) that receives the blob service\'s data-plane logs.')
param logAnalyticsWorkspaceId string

@minValue(1)
@maxValue(365)
@description('Days a deleted blob or container stays restorable (an overwritten blob keeps its earlier version as well).')
param softDeleteRetentionDays int = 14

// Must match shared/adapters/blob/client.ts `blobContainers` (the drift test checks it).
var containerNames = [
  'media'
  'exports'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

// A recording is evidence for a completed evaluation: upload links cannot replace one (they
// are create-only), and should anything with the app's rights overwrite or delete one anyway,
// versioning keeps the earlier bytes and soft delete keeps deleted blobs and containers
// restorable for softDeleteRetentionDays.
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    cors: {
      corsRules: empty(corsAllowedOrigins)
        ? []
        : [
            {
              allowedOrigins: corsAllowedOrigins
              allowedMethods: [
                'GET'
                'HEAD'
                'PUT'
                'OPTIONS'
              ]
              allowedHeaders: [
                '*'
              ]
              exposedHeaders: [
                '*'
              ]
              maxAgeInSeconds: 3600
            }
          ]
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Exports are single-use downloads (their SAS lives 15 minutes); they hold personal data, so
// they are not kept. Exports are never modified after upload, so "modified" = "created".
// With versioning on, deleting an export leaves it as a previous version, which the next run
// deletes too (soft delete still keeps it restorable for softDeleteRetentionDays).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-exports'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'exports/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: exportRetentionDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: 0
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

// Every read, write and delete of media and exports (caller identity or SAS, operation,
// status) goes to Log Analytics (StorageBlobLogs), so an access to a recording can be traced.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'data-plane-to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob

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

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob

// The function app on the Flex Consumption plan and ALL of its app settings. Every app setting
// lives in the one `appSettings` literal below, one `NAME: value` per line: infra/drift.test.ts
// parses it and compares it with shared/config.ts, so keep that shape.

param planName string
param appName string
param location string
param tags object

@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

param identityId string
param identityClientId string

param runtimeStorageName string
param runtimeStorageBlobEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string

param cosmosEndpoint string
param cosmosDatabaseName string
param dataStorageBlobEndpoint string
param serviceBusFullyQualifiedNamespace string
param eventsTopicName string

@description('Accepted token issuers, comma-separated.')
param authIssuers string
@description('The API\'s audience: its Application ID URI (api://...) or client id.')
param authAudience string
param authJwksUri string
@description('Tenant ids (tid) served, comma-separated, or * for any tenant of the accepted issuers.')
param authAllowedTenants string

@description('Key Vault reference for the export password, or empty when the tenant configured none.')
param exportPasswordReference string

@description('A change to a completed evaluation\'s answers needs a reason.')
param editReasonRequired bool = false

@description('Browser origins of the web UI allowed to call the API.')
param corsAllowedOrigins array = []

var appSettings = {
  // Functions host: runtime storage through the managed identity (no connection string).
  AzureWebJobsStorage__accountName: runtimeStorageName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // DefaultAzureCredential picks the user-assigned identity by this client id.
  AZURE_CLIENT_ID: identityClientId
  // Data: identity-based endpoints read by shared/config.ts.
  COSMOS__accountEndpoint: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  DATA_STORAGE__blobServiceUri: dataStorageBlobEndpoint
  // One connection for the publisher and the Service Bus triggers (connection "ServiceBusConnection").
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  EVENTS_TOPIC: eventsTopicName
  // Auth: Entra ID v2 tokens for the API's app registration.
  AUTH_ISSUERS: authIssuers
  AUTH_AUDIENCE: authAudience
  AUTH_JWKS_URI: authJwksUri
  AUTH_ALLOWED_TENANTS: authAllowedTenants
  // "Default scores to 100%" is on in Azure deployments.
  FEATURE_DEFAULT_SCORES: 'true'
  // Empty means "not configured" to shared/config.ts; never a literal password.
  EXPORT_PASSWORD: exportPasswordReference
  EDIT_REASON_REQUIRED: editReasonRequired ? 'true' : 'false'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (EXPORT_PASSWORD) resolve with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${runtimeStorageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// No FTP and no SCM (Kudu, zip deploy) publishing with basic-auth credentials: a leaked
// publishing profile must not be able to replace the code. Deployments (azd, `az functionapp
// deployment`) authenticate with Entra ID.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// Replaces the whole app-settings collection, so the deployed settings are exactly these.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

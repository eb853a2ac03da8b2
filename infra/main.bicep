// One tenant's deployment of the Evaluation Sessions service into a resource group: the
// Flex Consumption function app and everything it reaches, all with Entra ID (no keys).
// Deploy with `azd up` or `az deployment group create` (docs/deploy.md).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Environment name (azd: AZURE_ENV_NAME); seeds the unique resource names.')
param environmentName string

@description('Region for every resource; must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Object id of the deploying user or CI principal (azd fills it in). It gets data-plane roles only when grantDeployerDataAccess is \'true\'.')
param principalId string = ''

// A string, not a bool: azd and envsubst both fill the parameters file with text, and an unset
// variable becomes '' (off). Off by default: the deploying person has no standing access to the
// tenant's sessions, recordings or events.
@allowed([
  ''
  'false'
  'true'
])
@description('\'true\': grant principalId the same data-plane roles as the app (plus Key Vault Secrets Officer), to run the code locally against this deployment. Default: no data access.')
param grantDeployerDataAccess string = 'false'

@allowed([
  ''
  'false'
  'true'
])
@description('\'true\': a change to a completed evaluation\'s answers needs a reason (EDIT_REASON_REQUIRED). Default: optional.')
param editReasonRequired string = 'false'

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@minLength(1)
@description('The API app registration\'s Application ID URI (e.g. api://evaluation-sessions-contoso) or client id: the `aud` of accepted tokens.')
param authAudience string

@description('The Entra tenant whose users call the API (default: this subscription\'s tenant).')
param authTenantId string = tenant().tenantId

@description('Accepted token issuers, comma-separated. Default: the v2.0 issuer of authTenantId.')
param authIssuers string = ''

@description('Tenants (tid) this deployment serves, comma-separated, or *. Default: authTenantId only.')
param authAllowedTenants string = ''

@secure()
@maxLength(128)
@description('The tenant\'s default export password (8-128 characters), stored in Key Vault. Empty: none; xlsx exports then need a password per request.')
param exportPassword string = ''

@minValue(1)
@maxValue(365)
@description('Days after which generated exports are deleted.')
param exportRetentionDays int = 1

@allowed([
  'serverless'
  'autoscale'
])
@description('Cosmos DB capacity mode (see modules/cosmos.bicep); fixed when the account is created.')
param cosmosThroughputMode string = 'serverless'

@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

// 22 by default: Node 20 reached its end of life on 30 April 2026. 20 stays allowed only for
// an app still moving off it; the service and its tests run on both.
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

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param dataStorageSku string = 'Standard_LRS'

@description('Origins of the web UI (e.g. https://qm.contoso.com) allowed by CORS on the API and on media/export links.')
param corsAllowedOrigins array = []

@description('Service Bus duplicate detection window (ISO 8601 duration); see modules/servicebus.bicep.')
param duplicateDetectionWindow string = 'PT1H'

param keyVaultPurgeProtection bool = true

@description('Email addresses the dead-letter alert notifies (modules/alerts.bicep); empty: it shows in the portal only.')
param alertEmails array = []

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = {
  'azd-env-name': environmentName
  application: 'evaluation-sessions'
}
// Must equal shared/config.ts COSMOS_DATABASE's default (the drift test checks it).
var cosmosDatabaseName = 'evaluation-sessions'
var issuers = empty(authIssuers) ? 'https://login.microsoftonline.com/${authTenantId}/v2.0' : authIssuers
var allowedTenants = empty(authAllowedTenants) ? authTenantId : authAllowedTenants
var jwksUri = 'https://login.microsoftonline.com/${authTenantId}/discovery/v2.0/keys'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module dataStorage 'modules/data-storage.bicep' = {
  name: 'data-storage'
  params: {
    name: 'stdata${resourceToken}'
    location: location
    tags: tags
    skuName: dataStorageSku
    exportRetentionDays: exportRetentionDays
    corsAllowedOrigins: corsAllowedOrigins
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module runtimeStorage 'modules/runtime-storage.bicep' = {
  name: 'runtime-storage'
  params: {
    name: 'strt${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: 'cosmos-${resourceToken}'
    databaseName: cosmosDatabaseName
    location: location
    tags: tags
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    namespaceName: 'sb-${resourceToken}'
    location: location
    tags: tags
    duplicateDetectionWindow: duplicateDetectionWindow
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namespaceName: serviceBus.outputs.namespaceName
    topicName: serviceBus.outputs.topicName
    tags: tags
    alertEmails: alertEmails
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    exportPassword: exportPassword
    enablePurgeProtection: keyVaultPurgeProtection
  }
}

module appDataRoles 'modules/rbac-data.bicep' = {
  name: 'rbac-app-data'
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmos.outputs.databaseName
    dataStorageName: dataStorage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    keyVaultName: keyVault.outputs.name
    keyVaultAccess: 'secretsUser'
  }
}

module appHostRoles 'modules/rbac-host.bicep' = {
  name: 'rbac-app-host'
  params: {
    principalId: identity.outputs.principalId
    runtimeStorageName: runtimeStorage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module deployerDataRoles 'modules/rbac-data.bicep' = if (grantDeployerDataAccess == 'true' && !empty(principalId)) {
  name: 'rbac-deployer-data'
  params: {
    principalId: principalId
    principalType: principalType
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmos.outputs.databaseName
    dataStorageName: dataStorage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    keyVaultName: keyVault.outputs.name
    keyVaultAccess: 'secretsOfficer'
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    planName: 'plan-${resourceToken}'
    appName: 'func-${resourceToken}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    runtimeStorageName: runtimeStorage.outputs.name
    runtimeStorageBlobEndpoint: runtimeStorage.outputs.blobEndpoint
    deploymentContainerName: runtimeStorage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    dataStorageBlobEndpoint: dataStorage.outputs.blobEndpoint
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    eventsTopicName: serviceBus.outputs.topicName
    authIssuers: issuers
    authAudience: authAudience
    authJwksUri: jwksUri
    authAllowedTenants: allowedTenants
    // Empty unless a password was given: a reference to a missing secret would otherwise be
    // handed to the app as the literal "@Microsoft.KeyVault(...)" text.
    exportPasswordReference: empty(exportPassword) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.exportItemUri})'
    editReasonRequired: editReasonRequired == 'true'
    corsAllowedOrigins: corsAllowedOrigins
  }
  // The host starts as soon as the app exists; grant its roles first so it never starts
  // without access to its storage, data and secret.
  dependsOn: [
    appDataRoles
    appHostRoles
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
// The same identity-based settings, for running the code locally against this deployment.
output COSMOS__accountEndpoint string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output DATA_STORAGE__blobServiceUri string = dataStorage.outputs.blobEndpoint
output ServiceBusConnection__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output AUTH_ISSUERS string = issuers
output AUTH_AUDIENCE string = authAudience
output AUTH_JWKS_URI string = jwksUri
output AUTH_ALLOWED_TENANTS string = allowedTenants

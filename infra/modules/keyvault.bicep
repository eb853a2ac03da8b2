// Key Vault (RBAC mode) holding the tenant's default export password. The app reads it through
// a Key Vault reference in its EXPORT_PASSWORD app setting, resolved with its managed identity.

param name string
param location string
param tags object

@secure()
@maxLength(128)
@description('The tenant\'s default export password (8-128 characters), or empty for none: then every xlsx export needs a password in its request.')
param exportPassword string = ''

@description('Purge protection keeps a deleted vault recoverable for the retention period; it cannot be turned off once on.')
param enablePurgeProtection bool = true

var exportPasswordSecretName = 'export-password'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API accepts only true or an absent value here.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource exportPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(exportPassword)) {
  parent: vault
  name: exportPasswordSecretName
  properties: {
    value: exportPassword
    contentType: 'text/plain'
  }
}

output name string = vault.name
// Versionless, so a rotated value is picked up without redeploying (App Service refreshes
// Key Vault references within a day, or at once on restart).
output exportItemUri string = '${vault.properties.vaultUri}secrets/${exportPasswordSecretName}'

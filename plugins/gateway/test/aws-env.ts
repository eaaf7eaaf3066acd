// The AWS SDK reads credentials from the standard chain (the environment first). Each tap file runs in its own
// process, so setting them here touches no other test.
export const ACCESS_KEY_ID = 'AKIDGATEWAYTEST'
export const SECRET_ACCESS_KEY = 'gateway-test-secret-access-key-9Zq'

process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY_ID
process.env.AWS_SECRET_ACCESS_KEY = SECRET_ACCESS_KEY
delete process.env.AWS_SESSION_TOKEN
delete process.env.AWS_PROFILE
process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config'
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

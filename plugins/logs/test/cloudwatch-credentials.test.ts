import t from 'tap'
import { fakeAws } from '@operator/test-support'
import { operatorWith, sms } from './fixtures/harness.js'

// No credentials anywhere the SDK's default chain looks (environment, files, SSO, instance metadata).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
  delete process.env[name]
}
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/operator-test/credentials'
process.env.AWS_CONFIG_FILE = '/nonexistent/operator-test/config'

t.test('without AWS credentials the reply says so, and nothing is sent', async (t) => {
  const aws = await fakeAws()
  t.teardown(() => aws.close())
  aws.seedLogEvents('/app/cart', [{ timestamp: Date.now(), message: 'x' }])
  const op = await operatorWith(t, { type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/app/cart'], maxAttempts: 1 })
  t.equal(await sms(t, op, 'logs x'), 'logs: cloudwatch has no AWS credentials (set them for the default AWS chain)')
  t.equal(aws.requests.length, 0)
})

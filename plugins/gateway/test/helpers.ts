import { countSegments } from '@operator/core'
import { createTestOperator, type TestOperator } from '@operator/core/testing'
import type { Test } from 'tap'
import plugin from '../src/index.js'

/** An operator with only the gateway plugin (and the built-in commands), stopped when the test ends. */
export async function gatewayOperator (t: Test, config: Record<string, unknown>, env: Record<string, string> = {}): Promise<TestOperator> {
  const op = await createTestOperator({ plugins: [{ plugin, config }], env })
  t.teardown(async () => { await op.close() })
  return op
}

/** Runs a command and checks that the reply fits three SMS segments, as it would be texted. */
export async function sms (t: Test, op: TestOperator, text: string): Promise<string> {
  const r = await op.dispatch(text, { channel: 'sms' })
  t.ok(countSegments(r.reply).segments <= 3, `'${text}' fits 3 SMS segments`)
  return r.reply
}

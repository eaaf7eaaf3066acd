import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'

async function appWith (t: Test) {
  const runs: string[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const plugin = definePlugin({
    name: 'counter',
    register (op) {
      op.command({ name: 'ping', summary: 'counts', run: (ctx) => { runs.push(ctx.args); return `pong ${runs.length}` } })
      op.command({ name: 'wait', summary: 'waits for the test', run: async () => { runs.push('wait'); await gate; return `waited ${runs.length}` } })
    }
  })
  const lines: string[] = []
  const app = await buildApp({
    env: { AUTHORIZED_NUMBERS: '+14155550100' },
    config: { plugins: [] },
    plugins: [{ plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  const post = async (body: string, sid: string) => await app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ From: '+14155550100', Body: body, MessageSid: sid, SmsSid: sid }).toString()
  })
  const audits = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true)
  return { post, runs, release, audits }
}

t.test('the same MessageSid sent twice runs the command once and answers the first reply again', async (t) => {
  const { post, runs, audits } = await appWith(t)
  const first = await post('ping a', 'SM00000000000000000000000000000001')
  const again = await post('ping a', 'SM00000000000000000000000000000001')
  t.equal(first.statusCode, 200)
  t.equal(again.body, first.body)
  t.match(first.body, '<Message>pong 1</Message>')
  const other = await post('ping b', 'SM00000000000000000000000000000002')
  t.match(other.body, '<Message>pong 2</Message>', 'a new MessageSid runs')
  t.same(runs, ['a', 'b'])
  t.same(audits().map((a) => a.outcome), ['answered', 'duplicate', 'answered'])
})

t.test('a retry arriving while the first run is still going waits for it and gets the same reply', async (t) => {
  const { post, runs, release } = await appWith(t)
  const sid = 'SM00000000000000000000000000000003'
  const first = post('wait', sid)
  const second = post('wait', sid)
  const third = post('wait', sid)
  await new Promise((resolve) => setTimeout(resolve, 50))
  release()
  const [a, b, c] = await Promise.all([first, second, third])
  t.same(runs, ['wait'], 'ran once')
  t.match(a.body, '<Message>waited 1</Message>')
  t.equal(b.body, a.body)
  t.equal(c.body, a.body)
})

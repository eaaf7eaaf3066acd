import t from 'tap';
import pg from 'pg';
import { canConnect, requireBinary, startPgBouncer } from '../src/index.js';

const skip = requireBinary('pgbouncer') || ((await canConnect(5432)) ? false : 'no PostgreSQL at 127.0.0.1:5432');

t.test('PgBouncer proxies to PostgreSQL and answers SHOW POOLS on the admin console', { skip }, async (t) => {
  const bouncer = await startPgBouncer({ pgHost: '127.0.0.1', pgPort: 5432, maxClientConn: 20, defaultPoolSize: 2 });
  t.teardown(() => bouncer.stop());
  t.equal(bouncer.host, '127.0.0.1');

  const client = new pg.Client({ host: bouncer.host, port: bouncer.port, user: 'postgres', database: 'test' });
  await client.connect();
  const res = await client.query('SELECT 1 AS one');
  t.equal(res.rows[0]?.one, 1);
  await client.end();

  const admin = new pg.Client({ connectionString: bouncer.adminUrl });
  await admin.connect();
  const pools = await admin.query({ text: 'SHOW POOLS', rowMode: 'array' });
  const columns = pools.fields.map((f) => f.name);
  for (const c of ['database', 'user', 'cl_active', 'cl_waiting', 'sv_active', 'sv_idle', 'maxwait', 'pool_mode']) t.ok(columns.includes(c), c);
  const dbIndex = columns.indexOf('database');
  t.ok(pools.rows.some((r: unknown[]) => r[dbIndex] === 'test'), 'the test pool is listed');
  const config = await admin.query('SHOW CONFIG');
  const setting = (key: string) => config.rows.find((r: { key: string }) => r.key === key)?.value;
  t.equal(setting('max_client_conn'), '20');
  t.equal(setting('default_pool_size'), '2');
  t.equal(setting('listen_addr'), '127.0.0.1');
  await admin.end();

  await bouncer.stop();
  t.equal(await canConnect(bouncer.port), false, 'stopped');
});

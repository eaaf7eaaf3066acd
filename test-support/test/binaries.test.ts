import t from 'tap';
import { findBinary, INSTALL_HINT, requireBinary } from '../src/index.js';

t.test('requireBinary: false when installed, a skip message when missing, throws under CI', async (t) => {
  t.equal(requireBinary('sh'), false);
  t.match(findBinary('sh'), /\/sh$/);
  t.equal(findBinary('definitely-not-installed-xyz'), undefined);
  const saved = process.env.CI;
  t.teardown(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  delete process.env.CI;
  const message = requireBinary('definitely-not-installed-xyz');
  t.type(message, 'string');
  t.match(message, 'definitely-not-installed-xyz');
  t.match(message, INSTALL_HINT);
  process.env.CI = 'true';
  t.throws(() => requireBinary('definitely-not-installed-xyz'), /CI=true/);
});

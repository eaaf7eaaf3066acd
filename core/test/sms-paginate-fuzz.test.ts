import t from 'tap';
import { countSegments, fitsBudget, paginate } from '../src/sms/index.js';

// Seeded, so a failure replays: mixes of GSM-7, extension, UCS-2 and astral characters, spaces and line ends.
let seed = 0x5eed;
function random(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
const PIECES = ['a', 'b', 'Z', '7', ' ', ' ', '\n', '{', '€', 'é', 'Ж', '🙂', 'https://x.io/' + 'q'.repeat(40), '  '];
const MARKER = /\n\((\d+)\/(\d+)\)( MORE)?$/;

t.test('random texts page into fitting, numbered pages that keep every character', async (t) => {
  for (let round = 0; round < 300; round++) {
    const maxSegments = 1 + random(4);
    let text = '';
    const length = random(1500);
    while (text.length < length) text += PIECES[random(PIECES.length)];
    const pages = paginate(text, { maxSegments });
    const n = pages.length;
    let bodies = '';
    let ok = true;
    pages.forEach((page, i) => {
      ok &&= fitsBudget(page, maxSegments);
      if (n > 1) {
        const m = MARKER.exec(page);
        ok &&= m !== null && m[1] === String(i + 1) && m[2] === String(n) && (m[3] !== undefined) === i + 1 < n;
        bodies += page.slice(0, m?.index);
      } else {
        bodies += page;
      }
    });
    if (!ok || bodies.replace(/\s/g, '') !== text.replace(/\s/g, '')) {
      t.fail(`round ${round}: ${JSON.stringify({ maxSegments, text, pages, counts: pages.map(countSegments) })}`);
      return;
    }
  }
  t.pass('300 random texts');
});

import t, { type Test } from 'tap';
import { SegmentBudget, budgetChars, countSegments, fitsBudget, paginate } from '../src/sms/index.js';

const MARKER = /\n\((\d+)\/(\d+)\)( MORE)?$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks every page fits and carries the right marker; returns the bodies without markers. */
function bodiesOf(t: Test, pages: string[], maxSegments: number): string[] {
  const n = pages.length;
  t.ok(n > 1, 'several pages');
  return pages.map((page, i) => {
    const m = MARKER.exec(page);
    t.ok(m, `page ${i + 1} has a marker`);
    t.equal(m?.[1], String(i + 1), `page ${i + 1} says it is page ${i + 1}`);
    t.equal(m?.[2], String(n), `page ${i + 1} says there are ${n}`);
    t.equal(m?.[3], i + 1 < n ? ' MORE' : undefined, i + 1 < n ? 'asks for MORE' : 'the last one does not');
    t.ok(fitsBudget(page, maxSegments), `page ${i + 1} fits in ${maxSegments} (${countSegments(page).segments})`);
    t.notMatch(page, LONE_SURROGATE, 'no surrogate pair split');
    return page.slice(0, m?.index);
  });
}

const lines = Array.from({ length: 30 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}: cpu 42% mem 61% up 12d`);

t.test('text that fits is one page, unchanged', async (t) => {
  t.same(paginate('', { maxSegments: 1 }), ['']);
  t.same(paginate('a'.repeat(160), { maxSegments: 1 }), ['a'.repeat(160)]);
  t.same(paginate('ok \n\n', { maxSegments: 1 }), ['ok \n\n']);
  t.same(paginate('a'.repeat(459), { maxSegments: 3 }), ['a'.repeat(459)]);
});

t.test('trailing whitespace is dropped rather than paged', async (t) => {
  const text = 'a'.repeat(150) + ' '.repeat(20);
  t.same(paginate(text, { maxSegments: 1 }), ['a'.repeat(150)]);
  const pages = paginate(lines.join('\n') + '\n\n\n', { maxSegments: 1 });
  t.equal(bodiesOf(t, pages, 1).join('\n'), lines.join('\n'), 'no empty last page');
});

t.test('cuts at line ends and reassembles to the original', async (t) => {
  const text = lines.join('\n');
  for (const maxSegments of [1, 2, 3]) {
    const pages = paginate(text, { maxSegments });
    const bodies = bodiesOf(t, pages, maxSegments);
    for (const body of bodies) {
      for (const line of body.split('\n')) t.ok(lines.includes(line), `"${line}" is a whole line`);
    }
    t.equal(bodies.join('\n'), text);
  }
  const pages = paginate(text, { maxSegments: 1 });
  // 4 lines of 30 = 123 characters + 11 of marker; a fifth line would make 165
  t.equal(pages.length, 8);
  t.equal(pages[0], lines.slice(0, 4).join('\n') + '\n(1/8) MORE');
  t.equal(pages[7], lines.slice(28).join('\n') + '\n(8/8)');
});

t.test('keeps the next line\'s indentation and drops blank lines at a cut', async (t) => {
  const block = ['alerts:', '  HighCPU web-01 firing since 10:02', '  DiskFull db-02 firing since 09:40'];
  const text = Array.from({ length: 6 }, () => block.join('\n')).join('\n\n');
  const bodies = bodiesOf(t, paginate(text, { maxSegments: 1 }), 1);
  for (const body of bodies) t.notMatch(body, /^\n|\n$/, 'no page starts or ends with a blank line');
  t.ok(bodies.slice(1).some((b) => b.startsWith('  ')), 'an indented line starting a page keeps its indentation');
  t.equal(bodies.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
});

t.test('one long line is cut between words', async (t) => {
  const words = Array.from({ length: 120 }, (_, i) => `word${i}`);
  const text = words.join(' ');
  const bodies = bodiesOf(t, paginate(text, { maxSegments: 2 }), 2);
  t.equal(bodies.join(' '), text);
  for (const body of bodies) t.notMatch(body, /^ | $/);
  const spaced = words.join('  \t ');
  const spacedBodies = bodiesOf(t, paginate(spaced, { maxSegments: 1 }), 1);
  t.equal(spacedBodies.join('').replace(/\s/g, ''), words.join(''), 'runs of spaces and tabs at a cut go');
});

t.test('a single giant line with no spaces is cut hard', async (t) => {
  const text = 'x'.repeat(1000);
  const pages = paginate(text, { maxSegments: 1 });
  t.equal(pages.length, 7);
  t.equal(pages[0], 'x'.repeat(149) + '\n(1/7) MORE');
  t.equal(countSegments(pages[0] as string).units, 160, 'the first page is full');
  t.equal(bodiesOf(t, pages, 1).join(''), text);
});

t.test('markers widen when the page count reaches two digits', async (t) => {
  const text = 'y'.repeat(1600);
  const pages = paginate(text, { maxSegments: 1 });
  t.equal(pages.length, 11);
  t.equal(pages[0], 'y'.repeat(148) + '\n(1/11) MORE');
  t.match(pages[10], /\n\(11\/11\)$/);
  t.equal(bodiesOf(t, pages, 1).join(''), text);
});

t.test('extension characters are counted as two septets', async (t) => {
  const text = '{}'.repeat(300);
  const pages = paginate(text, { maxSegments: 1 });
  t.equal(bodiesOf(t, pages, 1).join(''), text);
  t.equal(pages[0], '{}'.repeat(37) + '\n(1/9) MORE', '74 characters, 148 septets');
});

t.test('UCS-2 pages hold fewer characters and never split an emoji', async (t) => {
  const text = 'déjà vu 🚀'.repeat(40);
  const pages = paginate(text, { maxSegments: 2 });
  const bodies = bodiesOf(t, pages, 2);
  t.equal(countSegments(pages[0] as string).encoding, 'UCS-2');
  t.equal(bodies.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
  const emoji = '🙂'.repeat(200);
  t.equal(bodiesOf(t, paginate(emoji, { maxSegments: 1 }), 1).join(''), emoji, 'hard cuts land between pairs');
});

t.test('pages are counted each on its own: a GSM-7 page stays GSM-7', async (t) => {
  const text = lines.slice(0, 10).join('\n') + '\nstatus \u2705';
  const pages = paginate(text, { maxSegments: 1 });
  bodiesOf(t, pages, 1);
  t.equal(countSegments(pages[0] as string).encoding, 'GSM-7');
  t.equal(countSegments(pages[pages.length - 1] as string).encoding, 'UCS-2');
});

t.test('an early boundary is used when it keeps the next word whole', async (t) => {
  const url = 'https://grafana.example.com/d/' + 'a'.repeat(116); // 146 characters
  const pages = paginate(`see ${url} for details`, { maxSegments: 1 });
  t.same(bodiesOf(t, pages, 1), ['see', url, 'for details'], 'the URL is not broken');
  const titled = paginate(`Title\n${url} and more`, { maxSegments: 1 });
  t.same(bodiesOf(t, titled, 1), ['Title', url, 'and more']);
});

t.test('an early boundary is not used when the next word cannot fit anyway', async (t) => {
  const token = 'z'.repeat(300);
  const text = `see ${token}`;
  const pages = paginate(text, { maxSegments: 1 });
  t.equal(pages[0], text.slice(0, 149) + '\n(1/3) MORE');
  t.equal(bodiesOf(t, pages, 1).join(''), text);
});

t.test('a page made only of whitespace is cut hard rather than left empty', async (t) => {
  const text = ' '.repeat(200) + 'x'.repeat(100);
  const pages = paginate(text, { maxSegments: 1 });
  t.equal(bodiesOf(t, pages, 1).join(''), text);
  for (const page of pages) t.notMatch(page, /^\n/);
});

t.test('the budget must be a whole number of segments', async (t) => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => paginate('x', { maxSegments: bad }), { code: 'OPR_ERR_SMS_BUDGET_INVALID', name: 'RangeError' });
    t.throws(() => new SegmentBudget(bad), { code: 'OPR_ERR_SMS_BUDGET_INVALID' });
    t.throws(() => budgetChars(bad), { code: 'OPR_ERR_SMS_BUDGET_INVALID' });
  }
});

t.test('SegmentBudget and budgetChars give formatters a character budget', async (t) => {
  t.equal(budgetChars(1), 160);
  t.equal(budgetChars(3), 459);
  const budget = new SegmentBudget(3);
  t.equal(budget.maxSegments, 3);
  t.equal(budget.chars, 459);
  t.ok(budget.fits('a'.repeat(459)));
  t.notOk(budget.fits('a'.repeat(460)));
  t.notOk(budget.fits('Ж'.repeat(202)), 'UCS-2 holds less than the GSM-7 character budget');
  t.same(budget.paginate('short'), ['short']);
  t.same(budget.paginate(lines.join('\n')), paginate(lines.join('\n'), { maxSegments: 3 }));
});

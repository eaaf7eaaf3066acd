import t from 'tap';
import { countSegments, fitsBudget, isGsm7, maxUnitsFor, septetLength } from '../src/sms/index.js';

const gsm = (n: number): string => 'a'.repeat(n);
const ucs = (n: number): string => 'Ж'.repeat(n);

t.test('GSM-7 alphabet', async (t) => {
  t.ok(isGsm7('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà'));
  t.ok(isGsm7('^{}\\[~]|€\f'), 'extension table');
  t.ok(isGsm7(''));
  t.notOk(isGsm7('`'), 'backtick is not GSM-7');
  t.notOk(isGsm7('ç'), 'only the capital Ç is');
  t.notOk(isGsm7('hi 🙂'));
  t.equal(septetLength('abc'), 3);
  t.equal(septetLength('{'), 2, 'an extension character costs an escape and itself');
  t.equal(septetLength('^{}\\[~]|€\f'), 20);
  t.equal(septetLength('a🙂'), 2, 'outside the alphabet counts one, as a "?"');
});

t.test('single GSM-7 segment up to 160', async (t) => {
  t.same(countSegments(''), { encoding: 'GSM-7', units: 0, segments: 1, perSegment: 160, remainingInSegment: 160 });
  t.same(countSegments(gsm(160)), { encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160, remainingInSegment: 0 });
  t.same(countSegments(gsm(161)), { encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153, remainingInSegment: 145 });
});

t.test('GSM-7 concatenation at 153 per part', async (t) => {
  t.equal(countSegments(gsm(306)).segments, 2);
  t.equal(countSegments(gsm(306)).remainingInSegment, 0);
  t.equal(countSegments(gsm(307)).segments, 3);
  t.equal(countSegments(gsm(459)).segments, 3);
  t.equal(countSegments(gsm(460)).segments, 4);
});

t.test('extension characters count two septets', async (t) => {
  t.same(countSegments('{'), { encoding: 'GSM-7', units: 2, segments: 1, perSegment: 160, remainingInSegment: 158 });
  t.equal(countSegments(gsm(158) + '€').segments, 1, '158 + 2 = 160');
  t.equal(countSegments(gsm(159) + '€').segments, 2, '159 + 2 = 161');
});

t.test('an escape pair is never split across a 153 boundary', async (t) => {
  // 152 + 2 would straddle: the '{' moves whole to part 2.
  const straddle = countSegments(gsm(152) + '{' + gsm(152));
  t.equal(straddle.units, 306);
  t.equal(straddle.segments, 3, '306 septets need 3 parts, not 2');
  t.equal(straddle.remainingInSegment, 153 - 1);
  const flush = countSegments(gsm(151) + '{' + gsm(153));
  t.equal(flush.units, 306);
  t.equal(flush.segments, 2, 'the pair ends exactly on the boundary');
  t.equal(flush.remainingInSegment, 0);
});

t.test('UCS-2: 70 alone, 67 per part', async (t) => {
  t.same(countSegments(ucs(70)), { encoding: 'UCS-2', units: 70, segments: 1, perSegment: 70, remainingInSegment: 0 });
  t.same(countSegments(ucs(71)), { encoding: 'UCS-2', units: 71, segments: 2, perSegment: 67, remainingInSegment: 63 });
  t.equal(countSegments(ucs(134)).segments, 2);
  t.equal(countSegments(ucs(135)).segments, 3);
  t.equal(countSegments(ucs(201)).segments, 3);
  t.equal(countSegments(ucs(202)).segments, 4);
});

t.test('one emoji turns the message UCS-2 and counts two units', async (t) => {
  const c = countSegments(gsm(10) + '🙂');
  t.equal(c.encoding, 'UCS-2');
  t.equal(c.units, 12);
  t.equal(countSegments(gsm(68) + '🙂').segments, 1, '68 + 2 = 70');
  t.equal(countSegments(gsm(69) + '🙂').segments, 2, '69 + 2 = 71');
});

t.test('a surrogate pair is never split across a 67 boundary', async (t) => {
  const straddle = countSegments(ucs(66) + '🙂' + ucs(66));
  t.equal(straddle.units, 134);
  t.equal(straddle.segments, 3);
  const flush = countSegments(ucs(65) + '🙂' + ucs(67));
  t.equal(flush.units, 134);
  t.equal(flush.segments, 2);
});

t.test('budgets', async (t) => {
  t.equal(maxUnitsFor(1, 'GSM-7'), 160);
  t.equal(maxUnitsFor(3, 'GSM-7'), 459);
  t.equal(maxUnitsFor(1, 'UCS-2'), 70);
  t.equal(maxUnitsFor(3, 'UCS-2'), 201);
  t.ok(fitsBudget(gsm(459), 3));
  t.notOk(fitsBudget(gsm(460), 3));
  t.notOk(fitsBudget(ucs(202), 3));
});

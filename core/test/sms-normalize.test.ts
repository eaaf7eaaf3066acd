import t from 'tap';
import { isGsm7, normalizeForSms } from '../src/sms/index.js';

const cases: Array<[string, string, string]> = [
  ['curly single quotes and apostrophes', '\u2018it\u2019s\u2019 \u201Alow\u201B \u02BCx\u02BB \u00B4a` \u2039b\u203A', "'it's' 'low' 'x' 'a' 'b'"],
  ['curly double quotes and guillemets', '\u201Chi\u201D \u201Elow\u201F \u00ABfr\u00BB', '"hi" "low" "fr"'],
  ['primes', '5\u2032 11\u2033 \u2035\u2036', '5\' 11" \'"'],
  ['dashes, minus and hyphen variants', 'a\u2013b\u2014c\u2015d \u22125 x\u2010y\u2011z\u2012w \u2043 \uFE63\uFF0D', 'a-b-c-d -5 x-y-z-w - --'],
  ['ellipsis', 'wait\u2026', 'wait...'],
  ['Unicode spaces', 'a\u00A0b\u2009c\u202Fd\u3000e\u2002f\u205Fg\u2007h', 'a b c d e f g h'],
  ['zero-width characters and soft hyphen vanish', 'a\u200Bb\u2060c\uFEFFd\u00ADe\u200Df\u200Cg', 'abcdefg'],
  ['bullets and middle dots', '\u2022 one \u2023 two \u25E6 three \u2219 four a\u00B7b\u22C5c', '* one * two * three * four a.b.c'],
  ['arrows', 'a \u2192 b \u2190 c \u2194 d \u21D2 e \u21D0 f \u21D4 g', 'a -> b <- c <-> d => e <= f <=> g'],
  ['math signs', '1 \u2264 2 \u2265 0 \u2260 3 \u2248 4 \u00D7 5 \u00F7 6 \u00B1 7', '1 <= 2 >= 0 != 3 ~ 4 x 5 / 6 +/- 7'],
  ['trade marks', 'X\u2122 \u00A9 Y\u00AE', 'X(TM) (C) Y(R)'],
  ['degrees', '25\u00B0C', '25degC'],
  ['fractions', '\u00BD \u00BC \u00BE \u2153 \u215E and 1\u00BD', '1/2 1/4 3/4 1/3 7/8 and 1 1/2'],
  ['accents GSM-7 lacks go to the base letter', '\u00E1\u00E2\u00EA\u00EB\u00ED\u00EE\u00F3\u00F4\u00FA\u00FB\u00FD\u00FF\u00E7 \u00C0\u00C8\u00CD\u00D3\u00DA\u0160\u017D\u010C\u0107\u015B\u0144', 'aaeeiioouuyyc AEIOUSZCcsn'],
  ['letters without a decomposition', '\u0142\u0141\u0111\u0110\u00F0\u00D0\u0131 \u0153\u0152 \u00FE\u00DE', 'lLdDdDi oeOE thTh'],
  ['compatibility forms', '\uFB01x \uFF21\uFF42 x\u00B2 \u02C6\u02DC \u2126', 'fix Ab x2 ^~ \u03A9'],
  ['tabs, CRLF, CR and other line separators', 'a\tb\r\nc\rd\u2028e\u2029f\u0085g\u000Bh', 'a b\nc\nd\ne\nf\ng\nh'],
  ['control characters go', 'a\u0000b\u0007c\u001Bd\u007Fe\u009Ff', 'abcdef'],
  ['a decomposed accent GSM-7 has is composed', 'cafe\u0301', 'caf\u00E9'],
  ['a decomposed accent GSM-7 lacks goes', 'q\u0301 e\u0302', 'q e'],
];

for (const [name, input, expected] of cases) {
  t.test(name, async (t) => {
    const out = normalizeForSms(input);
    t.equal(out, expected);
    t.ok(isGsm7(out), 'the result is GSM-7');
  });
}

t.test("GSM-7's own accented letters stay", async (t) => {
  const own = '\u00E9\u00E8\u00F9\u00EC\u00F2\u00C7\u00D8\u00F8\u00C5\u00E5\u00C4\u00D6\u00D1\u00DC\u00E4\u00F6\u00F1\u00FC\u00E0\u00C9\u00DF\u00C6\u00E6';
  t.equal(normalizeForSms(own), own);
});

t.test('GSM-7 text, extension characters included, is unchanged', async (t) => {
  const text = 'CPU {web-1} at 97% [warn] ~5m | 10\u20AC ^_^ \\o/\nnext line\f';
  t.equal(normalizeForSms(text), text);
  t.equal(normalizeForSms(''), '');
});

t.test('characters without an equivalent are kept: the message honestly becomes UCS-2', async (t) => {
  t.equal(normalizeForSms('\u201Cdeploy\u201D done \u2705'), '"deploy" done \u2705');
  t.equal(normalizeForSms('\u65E5\u672C\u8A9E \u00B5s \uD55C'), '\u65E5\u672C\u8A9E \u00B5s \uD55C', 'CJK, micro sign, Hangul');
  t.notOk(isGsm7(normalizeForSms('ok \uD83D\uDE80')));
});

t.test('joiners and modifiers are kept where they build a character', async (t) => {
  const family = '\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67';
  t.equal(normalizeForSms(`a ${family}`), `a ${family}`, 'emoji ZWJ sequence');
  t.equal(normalizeForSms('\u2764\uFE0F'), '\u2764\uFE0F', 'emoji presentation selector');
  t.equal(normalizeForSms('\u0928\u093F\u0915\u0941'), '\u0928\u093F\u0915\u0941', 'Devanagari vowel signs');
  t.equal(normalizeForSms('\u200Dx'), 'x', 'a joiner with nothing before it goes');
  t.equal(normalizeForSms('1\uFE0F\u20E3'), '1', 'a keycap on a digit becomes the digit');
});

import t from 'tap'
import { findDuration, formatDuration } from '../src/durations.js'
import { wordsOf } from '../src/words.js'

// 15:30:00 where the sender is.
const AT_1530 = 15 * 3600 + 30 * 60

function read (text: string, local = AT_1530): string | undefined {
  const words = wordsOf(text)
  const d = findDuration(words, local)
  return d === undefined ? undefined : `${formatDuration(d.seconds)} [${words.slice(d.start, d.end).map((w) => w.text).join(' ')}]`
}

t.test('last, past, over, for, within: a number and a unit, or one of the unit', async (t) => {
  t.equal(read('error rate last hour'), '1h [last hour]')
  t.equal(read('past 30 minutes'), '30m [past 30 minutes]')
  t.equal(read('in the last 15 mins'), '15m [in the last 15 mins]')
  t.equal(read('over the past 2 hours'), '2h [over the past 2 hours]')
  t.equal(read('for the previous day'), '1d [for the previous day]')
  t.equal(read('last 2h'), '2h [last 2h]')
  t.equal(read('within 90s'), '2m [within 90s]', 'seconds round up to whole minutes')
  t.equal(read('last week'), '7d [last week]')
  t.equal(read('last couple of hours'), '2h [last couple of hours]')
  t.equal(read('past half an hour'), '30m [past half an hour]')
  t.equal(read('last a hour'), '1h [last a hour]')
  t.equal(read('over an hour'), '1h [over an hour]')
  t.equal(read('cpu for 3 days'), '3d [for 3 days]')
  t.equal(read('last 2 weeks'), '14d [last 2 weeks]')
})

t.test('since: a time of day (the latest such moment), noon, midnight, or an amount ago', async (t) => {
  t.equal(read('since 2pm'), '90m [since 2pm]')
  t.equal(read('since 2 pm'), '90m [since 2 pm]')
  t.equal(read('since 10am'), '330m [since 10am]')
  t.equal(read('since 14:45'), '45m [since 14:45]')
  t.equal(read('since 3'), '30m [since 3]', 'no am/pm: 3pm, the latest 3 o\'clock')
  t.equal(read('since 4'), '690m [since 4]', '4pm is still to come: 4am')
  t.equal(read('since 4pm'), '1410m [since 4pm]', 'yesterday at 4pm')
  t.equal(read('since 12am'), '930m [since 12am]')
  t.equal(read('since 12pm'), '210m [since 12pm]')
  t.equal(read('since noon'), '210m [since noon]')
  t.equal(read('since midnight'), '930m [since midnight]')
  t.equal(read('since midnight', 10), '1m [since midnight]', 'never less than a minute')
  t.equal(read('since 30 minutes ago'), '30m [since 30 minutes ago]')
  t.equal(read('from 1h ago'), '1h [from 1h ago]')
  t.equal(read('since 0pm'), undefined, 'not a time')
  t.equal(read('since 13pm'), undefined)
  t.equal(read('since 25'), undefined)
  t.equal(read('since 9:75'), undefined)
  t.equal(read('since'), undefined)
})

t.test('today, this morning, yesterday, overnight, last night, ago and a bare 2h', async (t) => {
  t.equal(read('errors today'), '930m [today]')
  t.equal(read('errors this morning'), '570m [this morning]')
  t.equal(read('since yesterday'), '1d [since yesterday]')
  t.equal(read('yesterday'), '1d [yesterday]')
  t.equal(read('over last night'), '12h [over last night]')
  t.equal(read('overnight'), '12h [overnight]')
  t.equal(read('last night'), '12h [last night]')
  t.equal(read('30 min ago'), '30m [30 min ago]')
  t.equal(read('2h ago'), '2h [2h ago]')
  t.equal(read('cpu 2h'), '2h [2h]')
  t.equal(read('any 500s in the logs'), undefined, 'a bare 500s is HTTP statuses, not seconds')
  t.equal(read('30 min'), undefined, 'an amount alone says nothing about now')
  t.equal(read('any errors in the logs'), undefined)
  t.equal(read('the last error'), undefined)
  t.equal(read('last 0 hours'), undefined, 'no time at all')
  t.equal(read('since 0m'), undefined)
  t.equal(read('last half an'), undefined, 'a unit never said')
})

t.test('the compact form: whole minutes, hours or days', async (t) => {
  t.equal(formatDuration(0), '1m')
  t.equal(formatDuration(59), '1m')
  t.equal(formatDuration(5400), '90m')
  t.equal(formatDuration(7200), '2h')
  t.equal(formatDuration(86_400 * 2), '2d')
})

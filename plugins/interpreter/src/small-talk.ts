import { HELP_HINT } from '@operator/core'

/** Words a message made only of is small talk: thanks, ok, hi, good night... (after shorthand is spelled out). */
export const SMALL_TALK: ReadonlySet<string> = new Set([
  'thanks', 'thank', 'you', 'ok', 'cool', 'great', 'nice', 'awesome', 'perfect', 'got', 'it', 'np', 'good', 'morning',
  'night', 'evening', 'afternoon', 'bye', 'lol', 'haha', 'yes', 'no', 'yep', 'yup', 'yeah', 'yea', 'nope', 'nah',
  'sure', 'sorry', 'hi', 'hello', 'hey', 'there', 'gm', 'gn', 'sup', 'what', 'is', 'up', 'will', 'do', 'on', 'sounds',
  'a', 'lot', 'very', 'much', 'mate', 'man', 'all', 'guys', 'team', 'cheers', 'ta', 'appreciate', 'kthx', 'alright',
  'fine', 'noted', 'roger', 'that', 'are', 'how', 'wow', 'oops', 'hmm', 'ah', 'oh', 'so', 'well', 'done', 'again',
  'too', 'and', 'thats', 'ha', 'heh', 'yo', 'hiya', 'howdy', 'welcome', 'understood',
  'later', 'see', 'ttyl', 'ciao', 'anyone', 'somebody', 'me', 'i', 'am', 'here', 'back', 'test', 'testing', 'just'
])
const GREETINGS = new Set(['hi', 'hello', 'hey', 'morning', 'evening', 'afternoon', 'gm', 'sup', 'yo', 'hiya', 'howdy'])

/**
 * The answer to small talk: a greeting or a "you there?" gets one short line with the help hint; thanks, ok and
 * goodbyes get none (an empty reply sends no SMS). Undefined when the words are not all small talk.
 */
export function smallTalk (words: readonly string[]): string | undefined {
  if (words.length === 0 || !words.every((w) => SMALL_TALK.has(w))) return undefined
  const text = words.join(' ')
  if (words.some((w) => GREETINGS.has(w)) || text.includes('what is up')) return `Hi. ${HELP_HINT}`
  if (words.includes('there') || text.includes('test') || text.includes('how are you')) return `Here. ${HELP_HINT}`
  return ''
}

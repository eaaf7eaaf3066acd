// prepack: the published package carries the monorepo's .env.example as env.example, for `operator init` to copy into
// a new app directory (a package cannot list a file outside its folder in "files").
import { copyFileSync } from 'node:fs'

copyFileSync(new URL('../../.env.example', import.meta.url), new URL('../env.example', import.meta.url))

export { MemoryPageStore, type PageStore } from './pages.js'

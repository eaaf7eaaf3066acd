export { createTestOperator, type TestOperator, type TestOperatorOptions, type ExecOptions } from './harness.js'

// The example app's backend. Its code lives with `dev` (src/app/dev/exampleBackend.ts), which
// runs it for `npm start`; the library's code never imports from examples/.
export { startExampleBackend, type ExampleBackend } from '../src/app/dev/exampleBackend.js';

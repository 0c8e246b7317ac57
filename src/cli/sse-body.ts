/** `pipeSse` lives with the desktop core's stream client (src/main/core/sse-body.ts); re-exported for the CLI. */
export { pipeSse } from '../main/core/sse-body';

/**
 * Zod compiles object parsers with `new Function` unless told not to, and decides so (trying `Function('')`) when
 * the first object schema is built. Our CSP forbids eval, so that try is a reported `script-src` violation on every
 * page load even though zod catches it. Imported first by main.ts, so this runs before any module builds a schema.
 */
import { config } from 'zod/mini';

config({ jitless: true });

/**
 * A dependency-free YAML 1.2 parser (core schema) for documents such as
 * CWL/RED experiment files and configuration files.
 *
 * - `parseYaml(text)` returns plain objects, arrays, strings, numbers,
 *   booleans and null for one document.
 * - Errors are `YamlSyntaxError`s carrying a 1-based `line` and `column`.
 *
 * The implementation lives in `./yaml/`; see `./yaml/document.ts` for the
 * entry point.
 */
export { parseYaml } from './yaml/document';
export type { ParseYamlOptions } from './yaml/composer';
export { YamlSyntaxError } from './yaml/errors';

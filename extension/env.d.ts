/** Vite's `?inline` import: the file's processed (minified) text. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}

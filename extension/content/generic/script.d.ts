// crxjs bundles `?script&iife` imports as self-contained scripts and gives their output path.
declare module '*?script&iife' {
  const fileName: string;
  export default fileName;
}

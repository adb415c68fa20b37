/** A TypeScript source module (run through tsx), as opposed to built JavaScript. */
export const isTypeScript = (module: URL): boolean => module.pathname.endsWith('.ts');

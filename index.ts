// n8n loads nodes and credentials from the paths in package.json's "n8n" section; this entry
// point only exists so that the package has a main module.
export {};

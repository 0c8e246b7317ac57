/// <reference types="vite/client" />
// Vite's client types: asset imports (`import url from './x.svg'`), import.meta.env.

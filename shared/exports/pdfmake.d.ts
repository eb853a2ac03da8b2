// pdfmake 0.3 ships no type declarations; this covers the part of its Node API the PDF export
// uses (the package's CommonJS entry exports a ready instance).
declare module "pdfmake" {
  interface FontFiles {
    normal: string;
    bold: string;
    italics: string;
    bolditalics: string;
  }
  interface OutputDocument {
    getBuffer(): Promise<Buffer>;
  }
  interface PdfMake {
    addFonts(fonts: Record<string, FontFiles>): void;
    /** Every local file pdfmake reads (fonts, images) must pass this check. */
    setLocalAccessPolicy(callback: (path: string) => boolean): void;
    /** Every URL pdfmake would fetch must pass this check. */
    setUrlAccessPolicy(callback: (url: string) => boolean): void;
    createPdf(docDefinition: object, options?: object): OutputDocument;
  }
  const pdfmake: PdfMake;
  export = pdfmake;
}

/**
 * The document libraries load with the first document that needs them (libraries.ts), not with the server: the
 * whole application's modules are imported here with each library replaced by a stand-in that records its loading.
 */
describe('document libraries', () => {
  it('are not loaded when the application is', () => {
    const loaded: string[] = [];
    jest.isolateModules(() => {
      for (const name of ['pdfkit', 'fontkit', 'qrcode', 'qrcode/lib/core/qrcode', 'exceljs', 'nodemailer'])
        jest.doMock(name, () => {
          loaded.push(name);
          return {};
        });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- imported inside the isolated registry
      require('../app.module');
    });
    expect(loaded).toEqual([]);
  });
});

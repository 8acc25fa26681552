/** Where batch input comes from and output goes: the Files API's store. */
export interface BatchFiles {
  create(file: { tenant: string; purpose: string; filename: string; content: Buffer }): Promise<{ id: string }>;
  content(id: string, tenant: string): Promise<Buffer | undefined>;
  get(id: string, tenant: string): Promise<{ purpose: string } | undefined>;
}

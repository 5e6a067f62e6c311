// The one function of jstat used here (the package ships no types).
declare module 'jstat' {
  const jstat: { jStat: { centralF: { inv(p: number, df1: number, df2: number): number } } };
  export default jstat;
}

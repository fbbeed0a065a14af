// A caller of CeleriacRedis works with RESPValue in every reply; re-export the codec so one
// import is enough.
@_exported import CeleriacRESP

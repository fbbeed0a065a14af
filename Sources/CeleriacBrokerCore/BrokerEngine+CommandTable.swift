/// The command table: name → handler, arity, flags and key positions, as Redis 7.0 declares
/// them for the commands this engine implements.
extension BrokerEngine {
    static func buildCommandTable() -> [String: CommandSpec] {
        let w: CommandFlags = [.write, .denyOOM]
        let wf: CommandFlags = [.write, .denyOOM, .fast]
        let del: CommandFlags = [.write]
        let r: CommandFlags = [.readonly]
        let rf: CommandFlags = [.readonly, .fast]
        let blocking: CommandFlags = [.write, .blocking, .noScript]
        let conn: CommandFlags = [.fast]
        let own: CommandFlags = .accountsOwnMemory
        let sub: CommandFlags = [.pubsub, .noScript, .subscribedOK]
        let one = (1, 1, 1)
        let all = (1, -1, 1)
        let specs: [CommandSpec] = [
            // Connection
            CommandSpec("ping", arity: -1, flags: [.fast, .subscribedOK], { try $0.pingCommand(&$1) }),
            CommandSpec("echo", arity: 2, flags: conn, { try $0.echoCommand(&$1) }),
            CommandSpec("hello", arity: -1, flags: [.noAuth, .noScript, .fast, .noMonitor], { try $0.helloCommand(&$1) }),
            CommandSpec("auth", arity: -2, flags: [.noAuth, .noScript, .fast, .noMonitor], { try $0.authCommand(&$1) }),
            CommandSpec("select", arity: 2, flags: [.fast], { try $0.selectCommand(&$1) }),
            CommandSpec("quit", arity: -1, flags: [.noAuth, .noScript, .noQueue, .subscribedOK, .fast], { try $0.quitCommand(&$1) }),
            CommandSpec("reset", arity: 1, flags: [.noAuth, .noScript, .noQueue, .subscribedOK, .fast], { try $0.resetCommand(&$1) }),
            CommandSpec("client", arity: -2, flags: [.admin, .noScript], { try $0.clientCommand(&$1) }),
            // Server
            CommandSpec("command", arity: -1, flags: [], { try $0.commandCommand(&$1) }),
            CommandSpec("info", arity: -1, flags: [], { try $0.infoCommand(&$1) }),
            CommandSpec("config", arity: -2, flags: [.admin, .noScript], { try $0.configCommand(&$1) }),
            CommandSpec("dbsize", arity: 1, flags: rf, { try $0.dbsizeCommand(&$1) }),
            CommandSpec("flushdb", arity: -1, flags: del, { try $0.flushCommand(&$1) }),
            CommandSpec("flushall", arity: -1, flags: del, { try $0.flushCommand(&$1) }),
            CommandSpec("time", arity: 1, flags: conn, { try $0.timeCommand(&$1) }),
            CommandSpec("shutdown", arity: -1, flags: [.admin, .noScript], { try $0.shutdownCommand(&$1) }),
            CommandSpec("monitor", arity: 1, flags: [.admin, .noScript], { try $0.monitorCommand(&$1) }),
            // Keys
            CommandSpec("del", arity: -2, flags: del, keys: all, { try $0.delCommand(&$1) }),
            CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: all, { try $0.delCommand(&$1) }),
            CommandSpec("exists", arity: -2, flags: rf, keys: all, { try $0.existsCommand(&$1) }),
            CommandSpec("type", arity: 2, flags: rf, keys: one, { try $0.typeCommand(&$1) }),
            CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: one, { try $0.expireCommand(&$1) }),
            CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: one, { try $0.expireCommand(&$1) }),
            CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: one, { try $0.expireCommand(&$1) }),
            CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: one, { try $0.expireCommand(&$1) }),
            CommandSpec("ttl", arity: 2, flags: rf, keys: one, { try $0.ttlCommand(&$1) }),
            CommandSpec("pttl", arity: 2, flags: rf, keys: one, { try $0.ttlCommand(&$1) }),
            CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: one, { try $0.persistCommand(&$1) }),
            CommandSpec("keys", arity: 2, flags: r, { try $0.keysCommand(&$1) }),
            CommandSpec("scan", arity: -2, flags: r, { try $0.scanCommand(&$1) }),
            CommandSpec("rename", arity: 3, flags: del, keys: (1, 2, 1), { try $0.renameCommand(&$1) }),
            // Strings
            CommandSpec("get", arity: 2, flags: rf, keys: one, { try $0.getCommand(&$1) }),
            CommandSpec("set", arity: -3, flags: w.union(own), keys: one, { try $0.setCommand(&$1) }),
            CommandSpec("setex", arity: 4, flags: w, keys: one, { try $0.setexCommand(&$1) }),
            CommandSpec("psetex", arity: 4, flags: w, keys: one, { try $0.setexCommand(&$1) }),
            CommandSpec("setnx", arity: 3, flags: wf, keys: one, { try $0.setnxCommand(&$1) }),
            CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: one, { try $0.getdelCommand(&$1) }),
            CommandSpec("mget", arity: -2, flags: rf, keys: all, { try $0.mgetCommand(&$1) }),
            CommandSpec("mset", arity: -3, flags: w, keys: (1, -1, 2), { try $0.msetCommand(&$1) }),
            CommandSpec("incr", arity: 2, flags: wf, keys: one, { try $0.incrCommand(&$1) }),
            CommandSpec("decr", arity: 2, flags: wf, keys: one, { try $0.incrCommand(&$1) }),
            CommandSpec("incrby", arity: 3, flags: wf, keys: one, { try $0.incrCommand(&$1) }),
            CommandSpec("decrby", arity: 3, flags: wf, keys: one, { try $0.incrCommand(&$1) }),
            CommandSpec("append", arity: 3, flags: wf, keys: one, { try $0.appendCommand(&$1) }),
            CommandSpec("strlen", arity: 2, flags: rf, keys: one, { try $0.strlenCommand(&$1) }),
            // Lists
            CommandSpec("lpush", arity: -3, flags: wf.union(own), keys: one, { try $0.pushCommand(&$1) }),
            CommandSpec("rpush", arity: -3, flags: wf.union(own), keys: one, { try $0.pushCommand(&$1) }),
            CommandSpec("lpushx", arity: -3, flags: wf.union(own), keys: one, { try $0.pushCommand(&$1) }),
            CommandSpec("rpushx", arity: -3, flags: wf.union(own), keys: one, { try $0.pushCommand(&$1) }),
            CommandSpec("lpop", arity: -2, flags: [.write, .fast, .accountsOwnMemory], keys: one, { try $0.popCommand(&$1) }),
            CommandSpec("rpop", arity: -2, flags: [.write, .fast, .accountsOwnMemory], keys: one, { try $0.popCommand(&$1) }),
            CommandSpec("llen", arity: 2, flags: rf, keys: one, { try $0.llenCommand(&$1) }),
            CommandSpec("lrange", arity: 4, flags: r, keys: one, { try $0.lrangeCommand(&$1) }),
            CommandSpec("lindex", arity: 3, flags: r, keys: one, { try $0.lindexCommand(&$1) }),
            CommandSpec("lrem", arity: 4, flags: del, keys: one, { try $0.lremCommand(&$1) }),
            CommandSpec("ltrim", arity: 4, flags: del, keys: one, { try $0.ltrimCommand(&$1) }),
            CommandSpec("lset", arity: 4, flags: w, keys: one, { try $0.lsetCommand(&$1) }),
            CommandSpec("lmove", arity: 5, flags: w, keys: (1, 2, 1), { try $0.lmoveCommand(&$1) }),
            CommandSpec("rpoplpush", arity: 3, flags: w, keys: (1, 2, 1), { try $0.lmoveCommand(&$1) }),
            CommandSpec("blpop", arity: -3, flags: blocking, keys: (1, -2, 1), { try $0.blockingPopCommand(&$1) }),
            CommandSpec("brpop", arity: -3, flags: blocking, keys: (1, -2, 1), { try $0.blockingPopCommand(&$1) }),
            CommandSpec("blmove", arity: 6, flags: blocking.union(.denyOOM), keys: (1, 2, 1), { try $0.blockingMoveCommand(&$1) }),
            CommandSpec("brpoplpush", arity: 4, flags: blocking.union(.denyOOM), keys: (1, 2, 1), { try $0.blockingMoveCommand(&$1) }),
            // Hashes
            CommandSpec("hset", arity: -4, flags: wf, keys: one, { try $0.hsetCommand(&$1) }),
            CommandSpec("hmset", arity: -4, flags: wf, keys: one, { try $0.hsetCommand(&$1) }),
            CommandSpec("hsetnx", arity: 4, flags: wf, keys: one, { try $0.hsetnxCommand(&$1) }),
            CommandSpec("hget", arity: 3, flags: rf, keys: one, { try $0.hgetCommand(&$1) }),
            CommandSpec("hmget", arity: -3, flags: rf, keys: one, { try $0.hmgetCommand(&$1) }),
            CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: one, { try $0.hdelCommand(&$1) }),
            CommandSpec("hgetall", arity: 2, flags: r, keys: one, { try $0.hgetallCommand(&$1) }),
            CommandSpec("hlen", arity: 2, flags: rf, keys: one, { try $0.hlenCommand(&$1) }),
            CommandSpec("hexists", arity: 3, flags: rf, keys: one, { try $0.hexistsCommand(&$1) }),
            CommandSpec("hkeys", arity: 2, flags: r, keys: one, { try $0.hkeysCommand(&$1) }),
            CommandSpec("hvals", arity: 2, flags: r, keys: one, { try $0.hkeysCommand(&$1) }),
            CommandSpec("hincrby", arity: 4, flags: wf, keys: one, { try $0.hincrbyCommand(&$1) }),
            CommandSpec("hscan", arity: -3, flags: r, keys: one, { try $0.hscanCommand(&$1) }),
            // Sets
            CommandSpec("sadd", arity: -3, flags: wf, keys: one, { try $0.saddCommand(&$1) }),
            CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: one, { try $0.sremCommand(&$1) }),
            CommandSpec("smembers", arity: 2, flags: r, keys: one, { try $0.smembersCommand(&$1) }),
            CommandSpec("sismember", arity: 3, flags: rf, keys: one, { try $0.sismemberCommand(&$1) }),
            CommandSpec("scard", arity: 2, flags: rf, keys: one, { try $0.scardCommand(&$1) }),
            CommandSpec("sscan", arity: -3, flags: r, keys: one, { try $0.sscanCommand(&$1) }),
            // Sorted sets
            CommandSpec("zadd", arity: -4, flags: wf, keys: one, { try $0.zaddCommand(&$1) }),
            CommandSpec("zincrby", arity: 4, flags: wf, keys: one, { try $0.zincrbyCommand(&$1) }),
            CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: one, { try $0.zremCommand(&$1) }),
            CommandSpec("zrange", arity: -4, flags: r, keys: one, { try $0.zrangeCommand(&$1) }),
            CommandSpec("zrangebyscore", arity: -4, flags: r, keys: one, { try $0.zrangeCommand(&$1) }),
            CommandSpec("zrevrange", arity: -4, flags: r, keys: one, { try $0.zrangeCommand(&$1) }),
            CommandSpec("zrevrangebyscore", arity: -4, flags: r, keys: one, { try $0.zrangeCommand(&$1) }),
            CommandSpec("zremrangebyscore", arity: 4, flags: del, keys: one, { try $0.zremrangebyscoreCommand(&$1) }),
            CommandSpec("zcard", arity: 2, flags: rf, keys: one, { try $0.zcardCommand(&$1) }),
            CommandSpec("zscore", arity: 3, flags: rf, keys: one, { try $0.zscoreCommand(&$1) }),
            CommandSpec("zcount", arity: 4, flags: rf, keys: one, { try $0.zcountCommand(&$1) }),
            CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: one, { try $0.zpopminCommand(&$1) }),
            // Pub/sub
            CommandSpec("subscribe", arity: -2, flags: sub, { try $0.subscribeCommand(&$1) }),
            CommandSpec("psubscribe", arity: -2, flags: sub, { try $0.subscribeCommand(&$1) }),
            CommandSpec("unsubscribe", arity: -1, flags: sub, { try $0.unsubscribeCommand(&$1) }),
            CommandSpec("punsubscribe", arity: -1, flags: sub, { try $0.unsubscribeCommand(&$1) }),
            CommandSpec("publish", arity: 3, flags: [.pubsub, .fast], { try $0.publishCommand(&$1) }),
            CommandSpec("pubsub", arity: -2, flags: [.pubsub], { try $0.pubsubCommand(&$1) }),
            // Transactions
            CommandSpec("multi", arity: 1, flags: [.noScript, .noQueue, .fast], { try $0.multiCommand(&$1) }),
            CommandSpec("exec", arity: 1, flags: [.noScript, .noQueue, .noPropagate], { try $0.execCommand(&$1) }),
            CommandSpec("discard", arity: 1, flags: [.noScript, .noQueue, .fast], { try $0.discardCommand(&$1) }),
            CommandSpec("watch", arity: -2, flags: [.noScript, .noQueue, .fast], keys: all, { try $0.watchCommand(&$1) }),
            CommandSpec("unwatch", arity: 1, flags: [.noScript, .fast], { try $0.unwatchCommand(&$1) }),
            // Scripting
            CommandSpec("eval", arity: -3, flags: [.noScript, .noPropagate], { try $0.evalCommand(&$1) }),
            CommandSpec("evalsha", arity: -3, flags: [.noScript, .noPropagate], { try $0.evalCommand(&$1) }),
            CommandSpec("script", arity: -2, flags: [.noScript], { try $0.scriptCommand(&$1) }),
        ]
        var table: [String: CommandSpec] = [:]
        for spec in specs { table[spec.name] = spec }
        return table
    }
}

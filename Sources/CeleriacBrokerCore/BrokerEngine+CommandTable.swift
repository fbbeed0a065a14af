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
        let sub: CommandFlags = [.pubsub, .noScript, .subscribedOK]
        let one = (1, 1, 1)
        let all = (1, -1, 1)
        let specs: [CommandSpec] = [
            // Connection
            CommandSpec("ping", arity: -1, flags: [.fast, .subscribedOK], BrokerEngine.pingCommand),
            CommandSpec("echo", arity: 2, flags: conn, BrokerEngine.echoCommand),
            CommandSpec("hello", arity: -1, flags: [.noAuth, .noScript, .fast, .noMonitor], BrokerEngine.helloCommand),
            CommandSpec("auth", arity: -2, flags: [.noAuth, .noScript, .fast, .noMonitor], BrokerEngine.authCommand),
            CommandSpec("select", arity: 2, flags: [.fast], BrokerEngine.selectCommand),
            CommandSpec("quit", arity: -1, flags: [.noAuth, .noScript, .noQueue, .subscribedOK, .fast], BrokerEngine.quitCommand),
            CommandSpec("reset", arity: 1, flags: [.noAuth, .noScript, .noQueue, .subscribedOK, .fast], BrokerEngine.resetCommand),
            CommandSpec("client", arity: -2, flags: [.admin, .noScript], BrokerEngine.clientCommand),
            // Server
            CommandSpec("command", arity: -1, flags: [], BrokerEngine.commandCommand),
            CommandSpec("info", arity: -1, flags: [], BrokerEngine.infoCommand),
            CommandSpec("config", arity: -2, flags: [.admin, .noScript], BrokerEngine.configCommand),
            CommandSpec("dbsize", arity: 1, flags: rf, BrokerEngine.dbsizeCommand),
            CommandSpec("flushdb", arity: -1, flags: del, BrokerEngine.flushCommand),
            CommandSpec("flushall", arity: -1, flags: del, BrokerEngine.flushCommand),
            CommandSpec("time", arity: 1, flags: conn, BrokerEngine.timeCommand),
            CommandSpec("shutdown", arity: -1, flags: [.admin, .noScript], BrokerEngine.shutdownCommand),
            CommandSpec("monitor", arity: 1, flags: [.admin, .noScript], BrokerEngine.monitorCommand),
            // Keys
            CommandSpec("del", arity: -2, flags: del, keys: all, BrokerEngine.delCommand),
            CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: all, BrokerEngine.delCommand),
            CommandSpec("exists", arity: -2, flags: rf, keys: all, BrokerEngine.existsCommand),
            CommandSpec("type", arity: 2, flags: rf, keys: one, BrokerEngine.typeCommand),
            CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.expireCommand),
            CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.expireCommand),
            CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.expireCommand),
            CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.expireCommand),
            CommandSpec("ttl", arity: 2, flags: rf, keys: one, BrokerEngine.ttlCommand),
            CommandSpec("pttl", arity: 2, flags: rf, keys: one, BrokerEngine.ttlCommand),
            CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: one, BrokerEngine.persistCommand),
            CommandSpec("keys", arity: 2, flags: r, BrokerEngine.keysCommand),
            CommandSpec("scan", arity: -2, flags: r, BrokerEngine.scanCommand),
            CommandSpec("rename", arity: 3, flags: del, keys: (1, 2, 1), BrokerEngine.renameCommand),
            // Strings
            CommandSpec("get", arity: 2, flags: rf, keys: one, BrokerEngine.getCommand),
            CommandSpec("set", arity: -3, flags: w, keys: one, BrokerEngine.setCommand),
            CommandSpec("setex", arity: 4, flags: w, keys: one, BrokerEngine.setexCommand),
            CommandSpec("psetex", arity: 4, flags: w, keys: one, BrokerEngine.setexCommand),
            CommandSpec("setnx", arity: 3, flags: wf, keys: one, BrokerEngine.setnxCommand),
            CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: one, BrokerEngine.getdelCommand),
            CommandSpec("mget", arity: -2, flags: rf, keys: all, BrokerEngine.mgetCommand),
            CommandSpec("mset", arity: -3, flags: w, keys: (1, -1, 2), BrokerEngine.msetCommand),
            CommandSpec("incr", arity: 2, flags: wf, keys: one, BrokerEngine.incrCommand),
            CommandSpec("decr", arity: 2, flags: wf, keys: one, BrokerEngine.incrCommand),
            CommandSpec("incrby", arity: 3, flags: wf, keys: one, BrokerEngine.incrCommand),
            CommandSpec("decrby", arity: 3, flags: wf, keys: one, BrokerEngine.incrCommand),
            CommandSpec("append", arity: 3, flags: wf, keys: one, BrokerEngine.appendCommand),
            CommandSpec("strlen", arity: 2, flags: rf, keys: one, BrokerEngine.strlenCommand),
            // Lists
            CommandSpec("lpush", arity: -3, flags: wf, keys: one, BrokerEngine.pushCommand),
            CommandSpec("rpush", arity: -3, flags: wf, keys: one, BrokerEngine.pushCommand),
            CommandSpec("lpushx", arity: -3, flags: wf, keys: one, BrokerEngine.pushCommand),
            CommandSpec("rpushx", arity: -3, flags: wf, keys: one, BrokerEngine.pushCommand),
            CommandSpec("lpop", arity: -2, flags: [.write, .fast], keys: one, BrokerEngine.popCommand),
            CommandSpec("rpop", arity: -2, flags: [.write, .fast], keys: one, BrokerEngine.popCommand),
            CommandSpec("llen", arity: 2, flags: rf, keys: one, BrokerEngine.llenCommand),
            CommandSpec("lrange", arity: 4, flags: r, keys: one, BrokerEngine.lrangeCommand),
            CommandSpec("lindex", arity: 3, flags: r, keys: one, BrokerEngine.lindexCommand),
            CommandSpec("lrem", arity: 4, flags: del, keys: one, BrokerEngine.lremCommand),
            CommandSpec("ltrim", arity: 4, flags: del, keys: one, BrokerEngine.ltrimCommand),
            CommandSpec("lset", arity: 4, flags: w, keys: one, BrokerEngine.lsetCommand),
            CommandSpec("lmove", arity: 5, flags: w, keys: (1, 2, 1), BrokerEngine.lmoveCommand),
            CommandSpec("rpoplpush", arity: 3, flags: w, keys: (1, 2, 1), BrokerEngine.lmoveCommand),
            CommandSpec("blpop", arity: -3, flags: blocking, keys: (1, -2, 1), BrokerEngine.blockingPopCommand),
            CommandSpec("brpop", arity: -3, flags: blocking, keys: (1, -2, 1), BrokerEngine.blockingPopCommand),
            CommandSpec("blmove", arity: 6, flags: blocking.union(.denyOOM), keys: (1, 2, 1), BrokerEngine.blockingMoveCommand),
            CommandSpec("brpoplpush", arity: 4, flags: blocking.union(.denyOOM), keys: (1, 2, 1), BrokerEngine.blockingMoveCommand),
            // Hashes
            CommandSpec("hset", arity: -4, flags: wf, keys: one, BrokerEngine.hsetCommand),
            CommandSpec("hmset", arity: -4, flags: wf, keys: one, BrokerEngine.hsetCommand),
            CommandSpec("hsetnx", arity: 4, flags: wf, keys: one, BrokerEngine.hsetnxCommand),
            CommandSpec("hget", arity: 3, flags: rf, keys: one, BrokerEngine.hgetCommand),
            CommandSpec("hmget", arity: -3, flags: rf, keys: one, BrokerEngine.hmgetCommand),
            CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.hdelCommand),
            CommandSpec("hgetall", arity: 2, flags: r, keys: one, BrokerEngine.hgetallCommand),
            CommandSpec("hlen", arity: 2, flags: rf, keys: one, BrokerEngine.hlenCommand),
            CommandSpec("hexists", arity: 3, flags: rf, keys: one, BrokerEngine.hexistsCommand),
            CommandSpec("hkeys", arity: 2, flags: r, keys: one, BrokerEngine.hkeysCommand),
            CommandSpec("hvals", arity: 2, flags: r, keys: one, BrokerEngine.hkeysCommand),
            CommandSpec("hincrby", arity: 4, flags: wf, keys: one, BrokerEngine.hincrbyCommand),
            CommandSpec("hscan", arity: -3, flags: r, keys: one, BrokerEngine.hscanCommand),
            // Sets
            CommandSpec("sadd", arity: -3, flags: wf, keys: one, BrokerEngine.saddCommand),
            CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.sremCommand),
            CommandSpec("smembers", arity: 2, flags: r, keys: one, BrokerEngine.smembersCommand),
            CommandSpec("sismember", arity: 3, flags: rf, keys: one, BrokerEngine.sismemberCommand),
            CommandSpec("scard", arity: 2, flags: rf, keys: one, BrokerEngine.scardCommand),
            CommandSpec("sscan", arity: -3, flags: r, keys: one, BrokerEngine.sscanCommand),
            // Sorted sets
            CommandSpec("zadd", arity: -4, flags: wf, keys: one, BrokerEngine.zaddCommand),
            CommandSpec("zincrby", arity: 4, flags: wf, keys: one, BrokerEngine.zincrbyCommand),
            CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: one, BrokerEngine.zremCommand),
            CommandSpec("zrange", arity: -4, flags: r, keys: one, BrokerEngine.zrangeCommand),
            CommandSpec("zrangebyscore", arity: -4, flags: r, keys: one, BrokerEngine.zrangeCommand),
            CommandSpec("zrevrange", arity: -4, flags: r, keys: one, BrokerEngine.zrangeCommand),
            CommandSpec("zrevrangebyscore", arity: -4, flags: r, keys: one, BrokerEngine.zrangeCommand),
            CommandSpec("zremrangebyscore", arity: 4, flags: del, keys: one, BrokerEngine.zremrangebyscoreCommand),
            CommandSpec("zcard", arity: 2, flags: rf, keys: one, BrokerEngine.zcardCommand),
            CommandSpec("zscore", arity: 3, flags: rf, keys: one, BrokerEngine.zscoreCommand),
            CommandSpec("zcount", arity: 4, flags: rf, keys: one, BrokerEngine.zcountCommand),
            CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: one, BrokerEngine.zpopminCommand),
            // Pub/sub
            CommandSpec("subscribe", arity: -2, flags: sub, BrokerEngine.subscribeCommand),
            CommandSpec("psubscribe", arity: -2, flags: sub, BrokerEngine.subscribeCommand),
            CommandSpec("unsubscribe", arity: -1, flags: sub, BrokerEngine.unsubscribeCommand),
            CommandSpec("punsubscribe", arity: -1, flags: sub, BrokerEngine.unsubscribeCommand),
            CommandSpec("publish", arity: 3, flags: [.pubsub, .fast], BrokerEngine.publishCommand),
            CommandSpec("pubsub", arity: -2, flags: [.pubsub], BrokerEngine.pubsubCommand),
            // Transactions
            CommandSpec("multi", arity: 1, flags: [.noScript, .noQueue, .fast], BrokerEngine.multiCommand),
            CommandSpec("exec", arity: 1, flags: [.noScript, .noQueue, .noPropagate], BrokerEngine.execCommand),
            CommandSpec("discard", arity: 1, flags: [.noScript, .noQueue, .fast], BrokerEngine.discardCommand),
            CommandSpec("watch", arity: -2, flags: [.noScript, .noQueue, .fast], keys: all, BrokerEngine.watchCommand),
            CommandSpec("unwatch", arity: 1, flags: [.noScript, .fast], BrokerEngine.unwatchCommand),
            // Scripting
            CommandSpec("eval", arity: -3, flags: [.noScript, .noPropagate], BrokerEngine.evalCommand),
            CommandSpec("evalsha", arity: -3, flags: [.noScript, .noPropagate], BrokerEngine.evalCommand),
            CommandSpec("script", arity: -2, flags: [.noScript], BrokerEngine.scriptCommand),
        ]
        var table: [String: CommandSpec] = [:]
        for spec in specs { table[spec.name] = spec }
        return table
    }
}

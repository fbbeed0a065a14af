/// The version `celeriac --version` prints and workers report as `sw_ver`.
enum CeleriacVersion {
    static let current = "0.1.0"
}

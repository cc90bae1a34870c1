# Client components of the VFS server's systems, one component.toml each:
# the protocol test client and its peer (tests/system/systems/vfs.toml,
# rootfs_bad.toml; the peer also in system/alt.toml) and the benchmark
# client (tests/system/systems/vfsbench.toml). The systems are made in
# services/vfs-server/module.mk.
$(eval $(call kaal_component,apps/vfsdemo/test.component.toml,vfs-client-test,apps/vfsdemo/client_test.c))
$(eval $(call kaal_component,apps/vfsdemo/peer.component.toml,vfs-client-peer,apps/vfsdemo/client_peer.c))
$(eval $(call kaal_component,apps/vfsdemo/bench.component.toml,vfs-client-bench,apps/vfsdemo/client_bench.c))

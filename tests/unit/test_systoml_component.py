# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml component.toml: a component's slots and addresses come from
its component.toml alone (so one ELF serves every system), system.toml only
wires named ends, and a wiring that contradicts a declaration is an error
at file:line:col in system.toml with a note at the component.toml line."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import CompileError, binfmt, compile_file  # noqa: E402
from systoml.cheader import type_header  # noqa: E402
from systoml.compiler import Search  # noqa: E402
from systoml.component import load_component_toml  # noqa: E402

COMPILE = os.path.join(ROOT, "tools", "systoml-compile")

# A server type with an rpc end, a ring and an optional ring; a client type
# with the matching ends. Line numbers in the tests refer to these texts.
SERVER_TOML = """\
[component]
name = "store"
binary = "store.elf"
priority = 150

[[end]]
name = "requests"
type = "rpc_server"

[[end]]
name = "bulk"
type = "ring_consumer"
queue_depth = 4
data_size = "8KiB"

[[end]]
name = "spare"
type = "ring_consumer"
optional = true
queue_depth = 4
data_size = "8KiB"
"""

CLIENT_TOML = """\
[component]
name = "user"
binary = "user.elf"

[[end]]
name = "store"
type = "rpc_client"

[[end]]
name = "bulk"
type = "ring_producer"
queue_depth = 4
data_size = "8KiB"
"""

# Line 1 is "[system]".
SYSTEM = """\
[system]
name = "t"

[[component]]
name = "s"
type = "store"

[[component]]
name = "u"
type = "user"

[[channel]]
kind = "rpc"
server = { component = "s", end = "requests" }
client = { component = "u", end = "store" }

[[channel]]
kind = "ring"
producer = { component = "u", end = "bulk" }
consumer = { component = "s", end = "bulk" }
"""


class ComponentCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-component-")
        self.comps = os.path.join(self.dir, "components")
        self.bins = os.path.join(self.dir, "bin")
        os.makedirs(self.bins)
        self.put("store", SERVER_TOML)
        self.put("user", CLIENT_TOML)
        for name in ("store.elf", "user.elf", "legacy.elf"):
            write_fake_elf(os.path.join(self.bins, name))
        self.search = Search((self.comps,), self.bins)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def put(self, name, text):
        d = os.path.join(self.comps, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "component.toml"), "w") as f:
            f.write(textwrap.dedent(text))
        return os.path.join(d, "component.toml")

    def write(self, text, name="system.toml"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def compiles(self, text, name="system.toml"):
        return compile_file(self.write(text, name), display="system.toml", search=self.search)

    def errors(self, text):
        cwd = os.getcwd()
        os.chdir(self.dir)   # component.toml paths are shown relative to the cwd
        try:
            with self.assertRaises(CompileError) as cm:
                compile_file(self.write(text), display="system.toml", search=self.search)
        finally:
            os.chdir(cwd)
        return [str(d) for d in cm.exception.diagnostics]

    def assertOneError(self, text, expected):
        self.assertEqual(self.errors(text), [expected])


class TestComponentLayout(ComponentCase):
    def test_slots_follow_the_declaration_order_of_the_component_toml(self):
        ctype, diags = load_component_toml(os.path.join(self.comps, "store", "component.toml"))
        self.assertEqual(diags, [])
        self.assertEqual(ctype.slots, {"events": 16, "requests": 17, "bulk": 18, "spare": 19,
                                       "console": 20})
        header = type_header(ctype, "component.toml")
        self.assertIn("#define KAAL_CAP_REQUESTS 17", header)
        self.assertIn("#define KAAL_COMPONENT_FIRST_FREE_SLOT 21", header)
        self.assertNotIn("KAAL_SYSTEM_NAME", header)   # nothing a system decides

    def test_two_systems_wiring_a_type_differently_give_it_the_same_slots_and_addresses(self):
        first = self.compiles(SYSTEM)
        # Another system: other names, channels in the other order, an extra
        # client on the same server end, the optional ring wired too.
        second = self.compiles("""\
            [system]
            name = "other"

            [[component]]
            name = "extra"
            type = "user"

            [[component]]
            name = "main_store"
            type = "store"
            heap_size = "1MiB"

            [[component]]
            name = "app"
            type = "user"

            [[channel]]
            kind = "ring"
            producer = { component = "app", end = "bulk" }
            consumer = { component = "main_store", end = "spare" }
            queue_depth = 4
            data_size = "8KiB"

            [[channel]]
            kind = "rpc"
            server = { component = "main_store", end = "requests" }
            client = { component = "extra", end = "store" }
            badge = 7

            [[channel]]
            kind = "ring"
            producer = { component = "extra", end = "bulk" }
            consumer = { component = "main_store", end = "bulk" }

            [[channel]]
            kind = "rpc"
            server = { component = "main_store", end = "requests" }
            client = { component = "app", end = "store" }
            """, "other.toml")

        def layout(system, name):
            desc = binfmt.decode(binfmt.encode(system))
            comp = next(c for c in desc["components"] if c["name"] == name)
            return ({c["name"]: c["slot"] for c in comp["caps"]},
                    {r["name"]: r["vaddr"] for r in comp["regions"]}, comp["cnode_bits"])

        slots1, regions1, bits1 = layout(first, "s")
        slots2, regions2, bits2 = layout(second, "main_store")
        self.assertEqual(bits1, bits2)
        for name, slot in slots1.items():
            self.assertEqual(slots2[name], slot, name)
        self.assertEqual(slots2["spare"], 19)
        for name, vaddr in regions1.items():
            self.assertEqual(regions2[name], vaddr, name)
        self.assertEqual(layout(first, "u")[0], layout(second, "app")[0])
        # The same ELF: one boot module per binary, shared by both users.
        self.assertEqual(len(second.modules), 2)

    def test_an_unwired_optional_end_leaves_its_slot_empty(self):
        system = self.compiles(SYSTEM)
        desc = binfmt.decode(binfmt.encode(system))
        names = [c["name"] for c in desc["components"][0]["caps"]]
        self.assertEqual(names, ["events", "requests", "bulk"])

    def test_a_dma_ring_end_makes_its_data_contiguous_and_tells_that_side_only(self):
        self.put("store", SERVER_TOML.replace('data_size = "8KiB"\n', 'data_size = "8KiB"\n'
                                              'dma = true\n', 1))
        desc = binfmt.decode(binfmt.encode(self.compiles(SYSTEM)))
        kinds = {o["name"]: o["kind"] for o in desc["objects"]}
        self.assertEqual([k for n, k in kinds.items() if n.endswith(".data")], ["dma-memory"])
        self.assertEqual([k for n, k in kinds.items() if n.endswith(".queues")], ["memory"])
        flags = {(c["name"], r["name"]): r["flags"] for c in desc["components"]
                 for r in c["regions"]}
        self.assertEqual(flags[("s", "bulk.data")], 1)
        self.assertEqual(flags[("u", "bulk.data")], 0)
        self.assertEqual(flags[("s", "bulk.queues")], 0)

    def test_rings_without_dma_stay_ordinary_memory(self):
        desc = binfmt.decode(binfmt.encode(self.compiles(SYSTEM)))
        self.assertNotIn(5, [o["kind"] for o in desc["objects"]])
        self.assertEqual({r["flags"] for c in desc["components"] for r in c["regions"]}, {0})

    def test_a_dma_ring_end_larger_than_the_dma_limit_is_an_error(self):
        self.put("store", SERVER_TOML.replace('data_size = "8KiB"\n', 'data_size = "32MiB"\n'
                                              'dma = true\n', 1))
        errs = self.errors(SYSTEM)
        self.assertIn("components/store/component.toml:14:13: error: data_size 33554432 of a dma "
                      "ring end is too large (limit 16 MiB: physically contiguous RAM)", "\n".join(errs))

    def test_dma_on_a_ring_end_must_be_a_boolean(self):
        self.put("store", SERVER_TOML.replace('data_size = "8KiB"\n', 'data_size = "8KiB"\n'
                                              'dma = "yes"\n', 1))
        errs = self.errors(SYSTEM)
        self.assertIn("components/store/component.toml:15:7: error: 'dma' must be true or false, "
                      "not 'yes'", "\n".join(errs))

    def test_a_bound_server_end_gets_client_badges_with_bit_62(self):
        self.put("store", SERVER_TOML.replace('type = "rpc_server"\n',
                                              'type = "rpc_server"\nbound_notification = true\n'))
        desc = binfmt.decode(binfmt.encode(self.compiles(SYSTEM)))
        cap = next(c for c in desc["components"][1]["caps"] if c["name"] == "store")
        self.assertEqual(cap["arg0"], (1 << 62) | 1)

    def test_a_server_end_without_bound_notification_keeps_plain_badges(self):
        desc = binfmt.decode(binfmt.encode(self.compiles(SYSTEM)))
        cap = next(c for c in desc["components"][1]["caps"] if c["name"] == "store")
        self.assertEqual(cap["arg0"], 1)

    def test_bound_notification_is_only_a_key_of_rpc_server_ends(self):
        self.put("user", CLIENT_TOML.replace('type = "rpc_client"\n',
                                             'type = "rpc_client"\nbound_notification = true\n'))
        self.assertIn("unknown key 'bound_notification'", "\n".join(self.errors(SYSTEM)))

    def test_ring_sizes_come_from_the_declarations(self):
        system = self.compiles(SYSTEM)
        ring = system.channels[1]
        self.assertEqual((ring.queue_depth, ring.data_size), (4, 8192))


POOL_TOML = """\
[component]
name = "pooled"
binary = "store.elf"
cnode_size_bits = 14

[[cap]]
name = "pool"
kind = "untyped"
size = "1MiB"

[[cap]]
name = "asids"
kind = "asid_pool"
"""


class TestOwnObjects(ComponentCase):
    """A component that builds address spaces of its own (the POSIX server)
    asks for an untyped pool, an ASID pool and a larger CNode."""

    def test_an_asid_pool_cap_is_a_system_object_of_its_own_kind(self):
        self.put("pooled", POOL_TOML)
        system = self.compiles('[system]\nname = "t"\n\n[[component]]\nname = "p"\n'
                               'type = "pooled"\n')
        desc = binfmt.decode(binfmt.encode(system))
        comp = desc["components"][0]
        caps = {c["name"]: c["kind"] for c in comp["caps"]}
        self.assertEqual(caps["asids"], "asid_pool")
        self.assertEqual(caps["pool"], "untyped")
        self.assertIn("asid_pool", [o["kind"] for o in desc["objects"]])
        self.assertEqual(comp["cnode_bits"], 14)

    def test_cnode_size_bits_below_the_minimum_is_an_error_at_its_value(self):
        self.put("pooled", POOL_TOML.replace("cnode_size_bits = 14", "cnode_size_bits = 6"))
        errs = self.errors('[system]\nname = "t"\n\n[[component]]\nname = "p"\n'
                           'type = "pooled"\n')
        self.assertEqual(errs[1], "components/pooled/component.toml:4:19: error: "
                         "cnode_size_bits 6 is out of range (expected 8..20)")

    def test_an_unknown_cap_kind_lists_asid_pool(self):
        self.put("pooled", POOL_TOML.replace('kind = "asid_pool"', 'kind = "asid"'))
        errs = self.errors('[system]\nname = "t"\n\n[[component]]\nname = "p"\n'
                           'type = "pooled"\n')
        self.assertEqual(errs[1], "components/pooled/component.toml:13:8: error: unknown cap "
                         "kind 'asid' (expected one of: endpoint, notification, untyped, "
                         "asid_pool)")


class TestWiringErrors(ComponentCase):
    def test_unknown_end_is_an_error_at_the_system_with_a_note_at_the_component(self):
        self.assertOneError(SYSTEM.replace('end = "requests"', 'end = "request"'),
                            "system.toml:14:35: error: component 's' (type 'store') has no end "
                            "'request'; did you mean 'requests'? (its ends: requests, bulk, "
                            "spare)\n"
                            "components/store/component.toml:2:8: note: component type 'store' "
                            "is declared here")

    def test_end_of_the_wrong_type_names_its_declaration(self):
        text = SYSTEM.replace('server = { component = "s", end = "requests" }\n'
                              'client = { component = "u", end = "store" }',
                              'server = { component = "u", end = "store" }\n'
                              'client = { component = "s", end = "requests" }')
        self.assertEqual(self.errors(text), [
            "system.toml:14:35: error: end 'store' of component 'u' is declared as an rpc "
            "client end, but this rpc channel uses it as its server end\n"
            "components/user/component.toml:7:8: note: end 'store' is declared here",
            "system.toml:15:35: error: end 'requests' of component 's' is declared as an rpc "
            "server end, but this rpc channel uses it as its client end\n"
            "components/store/component.toml:8:8: note: end 'requests' is declared here"])

    def paired_store(self, extra=""):
        self.put("store", SERVER_TOML.replace('name = "bulk"\ntype = "ring_consumer"\n',
                                              'name = "bulk"\ntype = "ring_consumer"\n'
                                              'pairs_with = { end = "requests", badge = 1%s }\n'
                                              % extra))

    def test_a_paired_ring_end_wired_to_the_client_at_its_badge_compiles(self):
        self.paired_store()
        self.compiles(SYSTEM)                        # u is the client at badge 1 (the default)

    def test_a_paired_ring_end_wired_to_another_component_is_an_error_with_a_note(self):
        self.paired_store()
        self.assertOneError(SYSTEM.replace('client = { component = "u", end = "store" }',
                                           'client = { component = "u", end = "store" }\n'
                                           'badge = 2'),
                            "system.toml:21:26: error: ring end 'bulk' of component 's' belongs "
                            "to the client at badge 1 of its end 'requests', which is nobody; "
                            "this channel gives it to 'u'\n"
                            "components/store/component.toml:13:14: note: end 'bulk' is "
                            "declared here")

    def test_pairs_with_needs_a_badge_and_knows_its_keys(self):
        self.put("store", SERVER_TOML.replace('name = "bulk"\ntype = "ring_consumer"\n',
                                              'name = "bulk"\ntype = "ring_consumer"\n'
                                              'pairs_with = { end = "requests", bage = 1 }\n'))
        self.assertEqual(self.errors(SYSTEM)[1:], [
            "components/store/component.toml:13:1: error: pairs_with has no 'badge' (it is "
            "required)",
            "components/store/component.toml:13:34: error: unknown key 'bage' in pairs_with; "
            "did you mean 'badge'? (expected one of: badge, end)"])

    def test_ring_size_that_differs_from_the_declaration_is_an_error(self):
        self.assertOneError(SYSTEM + "queue_depth = 8\n",
                            "system.toml:21:15: error: queue_depth 8 does not match the 4 that "
                            "end 'bulk' of component 'u' is built for\n"
                            "components/user/component.toml:10:8: note: end 'bulk' is declared "
                            "here")

    def test_ends_that_disagree_on_a_size_are_an_error_naming_both(self):
        self.put("user", CLIENT_TOML.replace('data_size = "8KiB"', 'data_size = "16KiB"'))
        self.assertOneError(SYSTEM,
                            "system.toml:18:8: error: ring ends disagree on data_size: 'u.bulk' "
                            "is built for 16384, 's.bulk' is built for 8192\n"
                            "components/user/component.toml:10:8: note: end 'bulk' is declared "
                            "here\n"
                            "components/store/component.toml:11:8: note: end 'bulk' is "
                            "declared here")

    def test_a_required_end_left_unwired_is_an_error(self):
        text = SYSTEM[:SYSTEM.index("[[channel]]\nkind = \"ring\"")]
        self.assertEqual(self.errors(text), [
            "system.toml:6:8: error: end 'bulk' (a ring consumer end) of component 's' is not "
            "wired: add a [[channel]] with { component = \"s\", end = \"bulk\" } (or make the end "
            "optional in its component.toml)\n"
            "components/store/component.toml:11:8: note: end 'bulk' is declared here",
            "system.toml:10:8: error: end 'bulk' (a ring producer end) of component 'u' is not "
            "wired: add a [[channel]] with { component = \"u\", end = \"bulk\" } (or make the end "
            "optional in its component.toml)\n"
            "components/user/component.toml:10:8: note: end 'bulk' is declared here"])

    def test_a_client_end_wired_twice_is_an_error(self):
        self.assertOneError(SYSTEM + '\n[[channel]]\nkind = "rpc"\n'
                            'server = { component = "s", end = "requests" }\n'
                            'client = { component = "u", end = "store" }\n',
                            "system.toml:25:35: error: end 'store' of component 'u' is already "
                            "wired (at line 15); a client end takes one channel")

    def test_a_vaddr_on_a_declared_ring_end_is_an_error(self):
        text = SYSTEM.replace('consumer = { component = "s", end = "bulk" }',
                              'consumer = { component = "s", end = "bulk", vaddr = 0x200000000 }')
        self.assertOneError(text,
                            "system.toml:20:53: error: the address of ring end 'bulk' is fixed "
                            "by the component.toml of 'store' (its ELF is built for it); remove "
                            "vaddr here\n"
                            "components/store/component.toml:11:8: note: end 'bulk' is declared "
                            "here")

    def test_devices_on_a_typed_instance_are_declared_by_its_component_toml(self):
        text = SYSTEM.replace('type = "user"\n', 'type = "user"\ndevices = ["rtc"]\n')
        self.assertOneError(text, "system.toml:11:1: error: 'devices' of a typed component is "
                            "declared by its component.toml (components/user/component.toml), "
                            "not in system.toml")

    def test_unknown_type_suggests_a_known_one(self):
        errs = self.errors(SYSTEM.replace('type = "user"', 'type = "usr"'))
        self.assertEqual(len(errs), 1)
        self.assertTrue(errs[0].startswith("system.toml:10:8: error: unknown component type "
                                           "'usr'; did you mean 'user'?"), errs[0])

    def test_the_binary_of_a_type_written_as_an_inline_component_is_an_error(self):
        text = SYSTEM.replace('type = "user"', 'binary = "bin/user.elf"')
        errs = self.errors(text)
        self.assertEqual(errs[0].split("\n")[0],
                         "system.toml:10:10: error: binary 'bin/user.elf' is the ELF of "
                         "component type 'user', built for the slots and addresses its "
                         "component.toml declares: write type = \"user\" instead of binary")

    def test_errors_inside_a_component_toml_name_that_file(self):
        self.put("user", CLIENT_TOML.replace('type = "rpc_client"', 'type = "rpc_clent"'))
        errs = self.errors(SYSTEM)
        self.assertEqual(errs, [
            "system.toml:10:8: error: component type 'user' cannot be used: its component.toml "
            "has errors (below)",
            "components/user/component.toml:7:8: error: unknown end type 'rpc_clent' (expected "
            "one of: rpc_server, rpc_client, ring_producer, ring_consumer)"])

    def test_nothing_is_written_when_the_wiring_is_wrong(self):
        path = self.write(SYSTEM.replace('end = "requests"', 'end = "request"'))
        out = os.path.join(self.dir, "out")
        r = subprocess.run([sys.executable, COMPILE, path, "-o", os.path.join(out, "x.ksys"),
                            "--header-dir", out, "--component-dir", self.comps,
                            "--bin-dir", self.bins], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: component 's' (type 'store') has no end 'request'", r.stderr)
        self.assertIn("note: component type 'store' is declared here", r.stderr)
        self.assertFalse(os.path.exists(out))


class TestGrantAndBoundNotification(ComponentCase):
    """An rpc channel's client cap gets seL4's Grant right (so caps travel
    with a Call) only when the channel or the server end asks; a server end
    with a bound notification gets client badges with bit 62."""

    TIMER = """\
        [component]
        name = "clock"
        binary = "store.elf"

        [[end]]
        name = "clients"
        type = "rpc_server"
        grant = true
        bound_notification = true
        """

    def setUp(self):
        super().setUp()
        self.put("clock", self.TIMER)
        self.put("caller", """\
            [component]
            name = "caller"
            binary = "user.elf"

            [[end]]
            name = "store"
            type = "rpc_client"
            """)
        self.search = Search((self.comps,), self.bins)

    def client_cap(self, system, comp_name, cap_name):
        desc = binfmt.decode(binfmt.encode(system))
        comp = next(c for c in desc["components"] if c["name"] == comp_name)
        return next(c for c in comp["caps"] if c["name"] == cap_name)

    def timer_system(self, extra=""):
        return """\
            [system]
            name = "t"

            [[component]]
            name = "clock"
            type = "clock"

            [[component]]
            name = "u"
            type = "caller"

            [[component]]
            name = "v"
            type = "caller"

            [[channel]]
            kind = "rpc"
            server = { component = "clock", end = "clients" }
            client = { component = "u", end = "store" }
            %s
            [[channel]]
            kind = "rpc"
            server = { component = "clock", end = "clients" }
            client = { component = "v", end = "store" }
            """ % extra

    def test_a_plain_rpc_client_cap_has_no_grant(self):
        cap = self.client_cap(self.compiles(SYSTEM), "u", "store")
        self.assertEqual(cap["rights"], 2 | 8)   # write + grant-reply

    def test_channel_grant_gives_the_client_cap_grant(self):
        text = SYSTEM.replace('client = { component = "u", end = "store" }\n',
                              'client = { component = "u", end = "store" }\ngrant = true\n')
        cap = self.client_cap(self.compiles(text), "u", "store")
        self.assertEqual(cap["rights"], 2 | 4 | 8)

    def test_server_end_grant_is_the_default_and_the_channel_may_refuse_it(self):
        system = self.compiles(self.timer_system("grant = false"))
        self.assertEqual(self.client_cap(system, "u", "store")["rights"], 2 | 8)
        self.assertEqual(self.client_cap(system, "v", "store")["rights"], 2 | 4 | 8)

    def test_bound_notification_end_badges_carry_bit_62(self):
        system = self.compiles(self.timer_system("badge = 5"))
        self.assertEqual([c.badge for c in system.channels], [(1 << 62) | 5, (1 << 62) | 1])

    def test_bound_notification_end_refuses_a_badge_with_bit_62(self):
        errs = self.errors(self.timer_system("badge = %d" % ((1 << 62) | 3)))
        self.assertEqual(len(errs), 1)
        self.assertIn("must be below 2^62", errs[0])

    def test_grant_must_be_a_boolean(self):
        errs = self.errors(self.timer_system('grant = "yes"'))
        self.assertTrue(any("'grant' must be true or false" in e for e in errs), errs)


class TestDeviceOwners(ComponentCase):
    def test_an_isa_device_granted_to_two_inline_components_is_an_error(self):
        text = ('[system]\nname = "t"\n\n[[component]]\nname = "a"\nbinary = "bin/legacy.elf"\n'
                'devices = ["serial0"]\n\n[[component]]\nname = "b"\n'
                'binary = "bin/legacy.elf"\ndevices = ["serial0"]\n')
        self.assertOneError(text, "system.toml:12:12: error: device 'serial0' is already "
                            "granted to component 'a' (at line 7); its I/O ports and IRQ can "
                            "have one owner (init would not start the second)")

    def test_a_device_a_component_toml_declares_counts_as_a_grant(self):
        self.put("uart", '[component]\nname = "uart"\nbinary = "store.elf"\n'
                 'devices = ["serial0"]\n')
        text = ('[system]\nname = "t"\n\n[[component]]\nname = "a"\ntype = "uart"\n\n'
                '[[component]]\nname = "b"\ntype = "uart"\n')
        self.assertOneError(text, "system.toml:10:8: error: device 'serial0' is already granted "
                            "to component 'a' (at line 6); its I/O ports and IRQ can have one "
                            "owner (init would not start the second)\n"
                            "components/uart/component.toml:4:12: note: component type 'uart' "
                            "declares device 'serial0' here")


class TestTreeComponents(unittest.TestCase):
    """The component.toml files of this tree compile on their own."""

    def test_every_component_toml_in_the_tree_gives_a_header(self):
        found = []
        for top in ("apps", "drivers", "services", "system", "tests"):
            for d, _subdirs, files in os.walk(os.path.join(ROOT, top)):
                found += [os.path.join(d, f) for f in files
                          if f == "component.toml" or f.endswith(".component.toml")]
        self.assertGreaterEqual(len(found), 7)
        for path in found:
            ctype, diags = load_component_toml(path)
            self.assertEqual([str(d) for d in diags], [], path)
            self.assertIn("#define KAAL_COMPONENT_TYPE", type_header(ctype, path))


if __name__ == "__main__":
    unittest.main()

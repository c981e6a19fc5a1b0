"""The address phones are given when the server listens on every interface: the
machine's address on the network, found from its routes, even where its own name
resolves to a loopback address only (a common setup, where phones were told
127.0.0.1 and could not join)."""

from __future__ import annotations

import socket

import pytest

from live import cli


class FakeUdp:
    """A UDP socket whose route lookup gives ``routes[probe]`` (an address, or None for no route)."""

    routes: dict = {}

    def __init__(self, *args):
        self.address = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        route = self.routes.get(target[0])
        if route is None:
            raise OSError(101, "Network is unreachable")
        self.address = route

    def getsockname(self):
        return (self.address, 40000)


@pytest.fixture
def network(monkeypatch):
    monkeypatch.setattr(cli.socket, "socket", FakeUdp)
    monkeypatch.setattr(cli.socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 0, 0, "", ("127.0.0.1", 0))])
    return FakeUdp


def test_the_address_of_the_default_route_even_when_the_name_resolves_to_loopback(network):
    network.routes = {"198.51.100.1": "192.0.2.2"}
    assert cli.lan_address() == "192.0.2.2"


def test_a_venue_network_without_internet_is_found_through_a_private_range(network):
    network.routes = {"192.168.254.254": "192.168.1.20"}
    assert cli.lan_address() == "192.168.1.20"


def test_no_network_at_all_gives_no_address_rather_than_loopback(network):
    network.routes = {"198.51.100.1": "127.0.0.1"}
    assert cli.lan_address() is None


def test_the_machines_name_is_the_last_resort(monkeypatch, network):
    network.routes = {}
    monkeypatch.setattr(cli.socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 0, 0, "", ("10.0.0.7", 0))])
    assert cli.lan_address() == "10.0.0.7"


def test_this_machine_has_a_real_address(tmp_path):
    """Where the machine is on a network (CI's is), the real lookup finds a non-loopback address."""
    found = cli.lan_address()
    if found is None:
        pytest.skip("this machine has no network interface besides loopback")
    assert not found.startswith("127.")

"""Fixtures of the dataset tests: the tiny nuScenes-layout root and its info files, built once per session."""
import pytest

from .nuscenes_fixture import NuScenesFixture, write_nuscenes_fixture


@pytest.fixture(scope='session')
def nusc_fixture(tmp_path_factory) -> NuScenesFixture:
    """The fixture root with ``bevzoo_infos_{train,val}.pkl`` written by the converter."""
    from bevzoo.datasets.nuscenes_converter import create_infos
    fixture = write_nuscenes_fixture(str(tmp_path_factory.mktemp('nuscenes_fixture')))
    fixture.info_paths = create_infos(fixture.root, fixture.version)
    return fixture

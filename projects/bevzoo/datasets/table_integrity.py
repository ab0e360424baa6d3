"""Find the record that breaks a nuScenes table's references, to turn the devkit's bare ``KeyError`` into
an error that names the table file, the record and the missing token."""
import json
import os.path as osp
from typing import Dict, Optional, Set

from .errors import DanglingReferenceError

# (table, field, referenced table); list fields hold several tokens, '' means "no link" in prev/next.
TABLE_REFERENCES = (
    ('sample_annotation', 'sample_token', 'sample'),
    ('sample_annotation', 'instance_token', 'instance'),
    ('sample_annotation', 'attribute_tokens', 'attribute'),
    ('sample_annotation', 'visibility_token', 'visibility'),
    ('sample_annotation', 'prev', 'sample_annotation'),
    ('sample_annotation', 'next', 'sample_annotation'),
    ('sample_data', 'sample_token', 'sample'),
    ('sample_data', 'ego_pose_token', 'ego_pose'),
    ('sample_data', 'calibrated_sensor_token', 'calibrated_sensor'),
    ('sample_data', 'prev', 'sample_data'),
    ('sample_data', 'next', 'sample_data'),
    ('sample', 'scene_token', 'scene'),
    ('sample', 'prev', 'sample'),
    ('sample', 'next', 'sample'),
    ('scene', 'log_token', 'log'),
    ('scene', 'first_sample_token', 'sample'),
    ('scene', 'last_sample_token', 'sample'),
    ('instance', 'category_token', 'category'),
    ('instance', 'first_annotation_token', 'sample_annotation'),
    ('instance', 'last_annotation_token', 'sample_annotation'),
    ('calibrated_sensor', 'sensor_token', 'sensor'),
    ('map', 'log_tokens', 'log'),
)


def _load_tokens(table_root: str, table: str, cache: Dict[str, list]) -> list:
    if table not in cache:
        with open(osp.join(table_root, f'{table}.json')) as handle:
            cache[table] = json.load(handle)
    return cache[table]


def find_dangling_reference(table_root: str) -> Optional[DanglingReferenceError]:
    """Return an error describing the first reference to a missing token, or None if all resolve.

    Args:
        table_root: Folder holding the 13 tables, e.g. ``<root>/v1.0-trainval``.
    """
    records: Dict[str, list] = {}
    token_sets: Dict[str, Set[str]] = {}
    for table, field, target in TABLE_REFERENCES:
        if target not in token_sets:
            token_sets[target] = {record['token'] for record in _load_tokens(table_root, target, records)}
        for record in _load_tokens(table_root, table, records):
            value = record.get(field, '')
            for token in value if isinstance(value, list) else [value]:
                if token and token not in token_sets[target]:
                    return DanglingReferenceError(
                        f'{osp.join(table_root, table + ".json")}: record {record["token"]!r} has {field}='
                        f'{token!r}, but {target}.json has no record with that token. The tables are '
                        'incomplete or from different releases; regenerate or re-download them.')
    return None

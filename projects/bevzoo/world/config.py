"""Configuration of the procedural world: town layout, traffic, sensors and dataset size."""
from dataclasses import dataclass, field, replace

_MAP_NAMES = ('singapore-onenorth', 'singapore-hollandvillage', 'singapore-queenstown', 'boston-seaport')


@dataclass(frozen=True)
class TownConfig:
    """Static layout of the town (a grid of roads with blocks between them).

    Attributes:
        blocks_x: Number of blocks along x (roads = blocks + 1).
        blocks_y: Number of blocks along y.
        block_pitch: Distance between neighbouring road centre lines in metres.
        lane_width: Width of one driving lane in metres.
        parking_width: Width of the curb-side parking strip on each side of a road.
        sidewalk_width: Width of the walkway on each side of a road.
        wide_road_every: Every n-th road has two lanes per direction (the others one).
        raster_resolution: Resolution of the ground raster in metres per cell.
        location: nuScenes map name used for the map expansion and the logs.
    """
    blocks_x: int = 4
    blocks_y: int = 4
    block_pitch: float = 80.0
    lane_width: float = 3.5
    parking_width: float = 2.5
    sidewalk_width: float = 3.5
    wide_road_every: int = 2
    raster_resolution: float = 0.1
    location: str = 'boston-seaport'

    def __post_init__(self) -> None:
        if self.blocks_x < 1 or self.blocks_y < 1:
            raise ValueError(f'TownConfig needs at least 1 x 1 blocks, got {self.blocks_x} x {self.blocks_y}')
        if self.location not in _MAP_NAMES:
            raise ValueError(f'TownConfig.location must be a nuScenes map name {_MAP_NAMES}, got {self.location!r}')
        road = 2 * (2 * self.lane_width + self.parking_width + self.sidewalk_width)
        if self.block_pitch < road + 20:
            raise ValueError(f'TownConfig.block_pitch {self.block_pitch} m leaves no room for blocks between '
                             f'roads {road} m wide; use at least {road + 20} m')


@dataclass(frozen=True)
class TrafficConfig:
    """Density and behaviour of the actors spawned in a scene.

    Attributes:
        moving_vehicles_per_km_lane: Lane-following vehicles per kilometre of lane.
        parked_fraction: Fraction of curb-side parking slots holding a parked vehicle.
        barrier_slot_fraction: Fraction of curb-side parking slots closed by a line of barriers.
        carpark_fill: Fraction of car-park slots holding a parked vehicle.
        pedestrians_per_km_sidewalk: Walkers (moving or standing) per kilometre of walkway.
        crossing_pedestrians: Pedestrians walking back and forth over crosswalks per intersection.
        roadworks_per_block: Road-work sites (barriers, cones, construction vehicles) per block edge.
        light_cycle: Traffic-light cycle in seconds (two phases with yellow).
    """
    moving_vehicles_per_km_lane: float = 26.0
    parked_fraction: float = 0.55
    barrier_slot_fraction: float = 0.05
    carpark_fill: float = 0.7
    pedestrians_per_km_sidewalk: float = 40.0
    crossing_pedestrians: float = 1.5
    roadworks_per_block: float = 0.2
    light_cycle: float = 30.0


@dataclass(frozen=True)
class SensorConfig:
    """Resolution of the rendered sensors.

    Attributes:
        image_width: Camera image width in pixels (nuScenes geometry 1600x900 scaled).
        image_height: Camera image height in pixels.
        lidar_azimuth_steps: Azimuth samples per keyframe revolution (x 32 beams).
        sweep_decimation: A non-keyframe sweep keeps every n-th azimuth (with a rotating offset, so
            consecutive sweeps fill the pattern in); keeps 10 scenes under 500 MB.
        lidar_max_range: Maximum LiDAR range in metres.
        jpeg_quality: JPEG quality of the written camera images.
    """
    image_width: int = 400
    image_height: int = 225
    lidar_azimuth_steps: int = 1085
    sweep_decimation: int = 12
    lidar_max_range: float = 80.0
    jpeg_quality: int = 85

    def __post_init__(self) -> None:
        for name in ('image_width', 'image_height', 'lidar_azimuth_steps', 'sweep_decimation'):
            if getattr(self, name) < 1:
                raise ValueError(f'SensorConfig.{name} must be >= 1, got {getattr(self, name)}')
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f'SensorConfig.jpeg_quality must be in 1..100, got {self.jpeg_quality}')
        if self.lidar_max_range <= 0:
            raise ValueError(f'SensorConfig.lidar_max_range must be > 0, got {self.lidar_max_range}')


@dataclass(frozen=True)
class WorldConfig:
    """Everything `generate_world` needs.

    Attributes:
        seed: Master seed; the town and every scene derive their seeds from it.
        train_scenes: Number of scenes named from nuScenes' train split.
        val_scenes: Number of scenes named from nuScenes' val split.
        keyframes_per_scene: Keyframes per scene (2 Hz, so 40 = 20 s).
        sweeps_per_keyframe: LiDAR sweeps per keyframe interval (20 Hz LiDAR = 10).
        version: Table version string; 'v1.0-trainval' lets the devkit evaluate the 'val' split.
        town, traffic, sensors: Sub-configurations.
    """
    seed: int = 0
    train_scenes: int = 8
    val_scenes: int = 2
    keyframes_per_scene: int = 40
    sweeps_per_keyframe: int = 10
    version: str = 'v1.0-trainval'
    town: TownConfig = field(default_factory=TownConfig)
    traffic: TrafficConfig = field(default_factory=TrafficConfig)
    sensors: SensorConfig = field(default_factory=SensorConfig)

    def __post_init__(self) -> None:
        if self.train_scenes < 0 or self.val_scenes < 0 or self.train_scenes + self.val_scenes == 0:
            raise ValueError(f'WorldConfig needs at least one scene, got train_scenes={self.train_scenes}, '
                             f'val_scenes={self.val_scenes}')
        if self.keyframes_per_scene < 2:
            raise ValueError(f'keyframes_per_scene must be >= 2, got {self.keyframes_per_scene}')
        if self.sweeps_per_keyframe < 1:
            raise ValueError(f'sweeps_per_keyframe must be >= 1, got {self.sweeps_per_keyframe}')
        if self.version not in ('v1.0-trainval', 'v1.0-mini'):
            raise ValueError(f"version must be 'v1.0-trainval' or 'v1.0-mini', got {self.version!r}")

    @classmethod
    def tiny(cls, seed: int = 0) -> 'WorldConfig':
        """A small world for tests: 1 train + 1 val scene of 4 keyframes, low resolution."""
        return cls(seed=seed, train_scenes=1, val_scenes=1, keyframes_per_scene=4, sweeps_per_keyframe=2,
                   town=TownConfig(blocks_x=2, blocks_y=2),
                   sensors=SensorConfig(image_width=192, image_height=108, lidar_azimuth_steps=720))

    def with_sizes(self, **changes) -> 'WorldConfig':
        """A copy with top-level fields changed (e.g. ``train_scenes``)."""
        return replace(self, **changes)

    @property
    def dt_sweep(self) -> float:
        """Seconds between LiDAR sweeps (keyframes are 0.5 s apart)."""
        return 0.5 / self.sweeps_per_keyframe

# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Face landmarks on an image, a folder, a video file or a webcam.

Examples:
    # an image, the offline BlazeFace detector, drawing + JSON into outputs/
    .venv/bin/python demo/face_demo.py photo.jpg \
        --config configs/hih_wflw_published.py \
        --checkpoint checkpoints/hih_wflw_published.pth \
        --out-dir outputs
    # an exported model (tools/deployment/export_onnx.py) instead, in bf16
    .venv/bin/python demo/face_demo.py photo.jpg --model hih_wflw.onnx \
        --precision bf16 --out-dir outputs
    # a video (tracked faces), smoothed; a folder; the webcam
    .venv/bin/python demo/face_demo.py clip.mp4 ... --one-euro 1.0 0.1
    .venv/bin/python demo/face_demo.py photos/ ...
    .venv/bin/python demo/face_demo.py 0 ... --show
    # the 68 points of 300W from a WFLW model
    .venv/bin/python demo/face_demo.py photo.jpg ... --keypoint-scheme 300w

Videos and the webcam run in tracking mode (``FaceTracker``): the detector
runs on the first frame and when a face is lost, the faces carry track ids,
and the drawn frames show the frames per second.

Folders are searched recursively; entries that cannot be read (a folder
named like an image, a broken link, a file that is not an image) are
skipped with a warning and listed at the end.

Outputs in --out-dir, named after the input: the drawn image(s) (their own
names and sub-folders) or ``<video>_landmarks.mp4``,
``<input>_predictions.json`` (per image or frame: a list of faces with bbox,
bbox_score, bbox_angle (the crop's rotation in degrees about the box
centre), keypoints and keypoint_scores, in image pixels, keypoint_visible
(visibility probabilities, models with a visibility head) and track_id for
videos) and ``<input>_coco.json``, the same faces as a COCO keypoint file
(images, annotations with ``keypoints`` [x, y, v] * K, ``bbox``, ``score``,
``keypoint_scores`` and mmpose's ``center`` / ``scale``; v = 1 for landmarks
a visibility head calls hidden, else 2) that pycocotools and mmpose's face
datasets and ``CocoMetric`` load. The folder is checked before any work
(writable, no earlier outputs without --overwrite, no links written
through), and the predictions of the images / frames done are written even
when a later one fails. Without --out-dir or --show nothing is saved (the
demo says so).
"""
import argparse
import json
import os
import os.path as osp
import signal
import sys
import time
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from hih_mmpose.datasets.coco_layout import face_annotation
from hih_mmpose.datasets.landmark_schemes import KEYPOINT_SCHEMES
from hih_mmpose.runtime import (AlignedFilter, EMAFilter, FaceTracker,
                                Landmarker, OneEuroFilter, load_image)
from hih_mmpose.runtime.image_io import ImageTooLargeError, image_size
from hih_mmpose.runtime.validation import check_number
from hih_mmpose.utils.output_folder import resolve_repo_path
from hih_mmpose.utils.output_folder import OutputFolder

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='image, folder, video or webcam index')
    parser.add_argument(
        '--config', default='configs/hih_wflw.py',
        help='HIH config; a relative path not found from the working '
        'folder is looked up in the repository (default: %(default)s)')
    parser.add_argument(
        '--checkpoint',
        help='trained HIH weights of --config (PyTorch, the reference '
        'path)')
    parser.add_argument(
        '--model',
        help='an exported model (tools/deployment/export_onnx.py; its '
        '.json beside it) instead of --config / --checkpoint: ONNX Runtime '
        'or OpenVINO')
    parser.add_argument(
        '--detector',
        default='blazeface',
        help="'blazeface' (default), 'haar', 'whole_image' or an mmdet "
        'detector config')
    parser.add_argument('--detector-weights')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out-dir', help='where drawings and JSON go')
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace output files of an earlier run in --out-dir')
    parser.add_argument(
        '--max-pixels', type=int, default=None,
        help='refuse images with more pixels (default: 100 M)')
    parser.add_argument(
        '--no-upright', action='store_true',
        help='crop faces as the detector boxes them (by default each crop '
        'is turned upright from the detector\'s eye keypoints, and '
        'BlazeFace searches turned copies of an image where it finds no '
        'face)')
    parser.add_argument('--show', action='store_true', help='show a window')
    parser.add_argument(
        '--keypoint-scheme', choices=sorted(KEYPOINT_SCHEMES),
        help="landmarks written and drawn: 'wflw' (98), '300w' (68) or "
        "'cofw' (29), selected from a WFLW model's 98 (default: the "
        "model's own)")
    parser.add_argument('--bbox-thr', type=float, default=0.3)
    parser.add_argument(
        '--kpt-thr', type=float, default=0.,
        help='draw landmarks whose score is at least this')
    parser.add_argument(
        '--backend', default='auto', choices=['auto', 'onnxruntime',
                                              'openvino'],
        help='--model: the backend (auto: OpenVINO where installed)')
    parser.add_argument(
        '--precision', choices=['auto', 'fp32', 'bf16', 'int8'],
        help="--model: the precision (default: the file's; bf16 through "
        'OpenVINO; auto: bf16 on CPUs with native bfloat16)')
    parser.add_argument(
        '--flip-test', action=argparse.BooleanOptionalAction, default=None,
        help="average with the mirrored face (default: as the model's "
        'config says)')
    parser.add_argument(
        '--batch-images', type=int, default=1,
        help='folders: images whose faces run through the network in one '
        'call (their crops share batches); 1 = one image a call. Measured '
        'in docs/light_hih.md ("Batching across images")')
    parser.add_argument(
        '--fps', type=float,
        help='video: its frame rate, for the filters\' time stamps and the '
        'written video (default: the video header\'s, 25 where that is not '
        'a rate of 1-1000)')
    parser.add_argument(
        '--no-tracking', action='store_true',
        help='video: run the detector on every frame')
    parser.add_argument(
        '--redetect-every', type=int,
        help='video: also run the detector every N frames (to find faces '
        'that enter)')
    parser.add_argument(
        '--min-score', type=float, default=0.3,
        help='video: re-detect when a face\'s mean landmark score falls '
        'below this')
    parser.add_argument(
        '--smooth', type=float, default=0.,
        help='video: weight of the previous frame in an exponential moving '
        'average of each face\'s landmarks, in the face\'s frame (0 = '
        'off, < 1)')
    parser.add_argument(
        '--one-euro', nargs=2, type=float, metavar=('MIN_CUTOFF', 'BETA'),
        help='video: One Euro filter of each face\'s landmarks in the '
        'face\'s frame instead: cutoff in Hz at rest (lower: less jitter, '
        'e.g. 1.0) and its increase per pixel/s of landmark speed (higher: '
        'less lag, e.g. 0.1)')
    return parser.parse_args()


def draw(image: np.ndarray, faces: List[dict], kpt_thr: float) -> np.ndarray:
    canvas = image.copy()
    radius = max(1, int(round(max(image.shape[:2]) / 400)))
    for face in faces:
        x1, y1, x2, y2 = (float(v) for v in face['bbox'])
        # the crop's box, turned by its angle about its centre
        corners = cv2.boxPoints((((x1 + x2) / 2, (y1 + y2) / 2),
                                 (x2 - x1, y2 - y1),
                                 float(face.get('bbox_angle', 0.))))
        cv2.polylines(canvas, [np.round(corners).astype(np.int32)], True,
                      (0, 255, 0), radius)
        visible = face.get('keypoint_visible',
                           np.ones(len(face['keypoints'])))
        for (x, y), score, seen in zip(face['keypoints'],
                                       face['keypoint_scores'], visible):
            if score >= kpt_thr:
                # hidden landmarks (visibility head: p < 0.5) drawn hollow
                cv2.circle(canvas, (int(round(x)), int(round(y))), radius,
                           (0, 0, 255), -1 if seen >= 0.5 else 1,
                           cv2.LINE_AA)
    return canvas


def to_json(faces: List[dict]) -> List[dict]:
    results = []
    for face in faces:
        result = dict(
            bbox=np.asarray(face['bbox']).tolist(),
            bbox_score=float(face['bbox_score']),
            bbox_angle=float(face.get('bbox_angle', 0.)),
            keypoints=np.asarray(face['keypoints']).tolist(),
            keypoint_scores=np.asarray(face['keypoint_scores']).tolist())
        if 'keypoint_visible' in face:
            result['keypoint_visible'] = np.asarray(
                face['keypoint_visible']).tolist()
        if 'track_id' in face:
            result['track_id'] = int(face['track_id'])
        results.append(result)
    return results


def smoothing(weight: float, one_euro: Optional[Sequence[float]]
              ) -> Optional[Callable[[], AlignedFilter]]:
    """The per-track filter factory of ``--smooth`` / ``--one-euro``."""
    if not 0 <= weight < 1:
        raise ValueError(f'--smooth must be in [0, 1), got {weight}')
    if one_euro is not None and weight:
        raise ValueError('choose --smooth or --one-euro, not both')
    if one_euro is not None:
        OneEuroFilter(*one_euro)  # checks the parameters now
        return lambda: AlignedFilter(OneEuroFilter(*one_euro))
    if weight:
        return lambda: AlignedFilter(EMAFilter(weight))
    return None


def draw_fps(canvas: np.ndarray, fps: float) -> None:
    """Write the frame rate in the top-left corner, in place."""
    scale = max(0.5, canvas.shape[0] / 720)
    origin = (int(10 * scale), int(30 * scale))
    for colour, thickness in (((0, 0, 0), 4), ((255, 255, 255), 1)):
        cv2.putText(canvas, f'{fps:.1f} fps', origin,
                    cv2.FONT_HERSHEY_SIMPLEX, scale, colour,
                    int(thickness * scale), cv2.LINE_AA)


def folder_images(folder: str) -> Tuple[List[str], List[str]]:
    """The images of a folder and its sub-folders, as sorted paths relative
    to it (links to files are followed for reading), and the entries named
    like images that are not files (folders, broken links), as messages."""
    names, skipped = [], []
    for parent, dirs, files in os.walk(folder):
        dirs.sort()
        for entry in sorted(dirs + files):
            path = osp.join(parent, entry)
            name = osp.relpath(path, folder)
            if not entry.lower().endswith(IMAGE_SUFFIXES):
                continue
            if osp.isfile(path):
                names.append(name)
            elif osp.islink(path) and not osp.exists(path):
                skipped.append(f'{name}: a broken link')
            elif osp.isdir(path):
                skipped.append(f'{name}: a folder (searched for images '
                               'too), not an image')
    return sorted(names), skipped


def frames(source: str, max_pixels: Optional[int] = None,
           skipped: Optional[List[str]] = None
           ) -> Tuple[Iterator[Tuple[str, np.ndarray]], Optional[int],
                      Optional[cv2.VideoCapture]]:
    """(name, BGR frame) pairs of a folder, an image, a video or a webcam,
    the number of frames if known, and the capture if any. A folder's
    entries that cannot be read are skipped with a message, added to
    ``skipped``."""
    skipped = [] if skipped is None else skipped
    if osp.isdir(source):
        names, not_files = folder_images(source)
        for message in not_files:
            tqdm.write(f'skipping {message}')
        skipped.extend(not_files)

        def read_folder():
            for name in names:
                try:
                    image = load_image(osp.join(source, name), max_pixels)
                except (ValueError, OSError) as error:
                    tqdm.write(f'skipping image {name}: {error}')
                    skipped.append(f'{name}: {error}')
                    continue
                yield name, image

        return read_folder(), len(names), None
    if is_image_file(source):
        try:
            image = load_image(source, max_pixels)
        except ImageTooLargeError:
            raise
        except ValueError as error:
            raise FileNotFoundError(f'cannot read image {source}') from error
        return iter([(osp.basename(source), image)]), 1, None
    capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
    if not capture.isOpened():
        raise FileNotFoundError(f'cannot open video or webcam {source}')
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None

    def read_video():
        index = 0
        while True:
            ok, frame = capture.read()
            if not ok:  # end of file, or a stream that ended early
                return
            yield f'{index:06d}', frame
            index += 1

    return read_video(), count, capture


def landmark_stream(stream: Iterator[Tuple[str, np.ndarray]],
                    run: Callable, images_a_call: int
                    ) -> Iterator[Tuple[str, np.ndarray, List[dict]]]:
    """(name, frame, faces) of each (name, frame) of ``stream``:
    ``run(frame)`` per frame, or with ``images_a_call`` > 1 one
    ``run([frame, ...])`` per that many frames (a FaceLandmarker runs their
    faces in shared batches)."""
    if images_a_call == 1:
        for name, frame in stream:
            yield name, frame, run(frame)
        return
    chunk: List[Tuple[str, np.ndarray]] = []
    for item in stream:
        chunk.append(item)
        if len(chunk) == images_a_call:
            results = run([frame for _, frame in chunk])
            yield from ((name, frame, faces) for (name, frame), faces in
                        zip(chunk, results))
            chunk = []
    if chunk:
        results = run([frame for _, frame in chunk])
        yield from ((name, frame, faces)
                    for (name, frame), faces in zip(chunk, results))


def is_image_file(source: str) -> bool:
    """An image by its extension (any case) or, without a known one, by
    its header (PIL identifies it); videos and webcams are not."""
    if source.lower().endswith(IMAGE_SUFFIXES):
        return True
    if not osp.isfile(source):
        return False
    try:
        image_size(source)
    except ValueError:
        return False
    return True


def drawn_name(name: str) -> str:
    """The file name of an image's drawing: its own name, ``.png`` added
    when it has no image extension OpenCV can write."""
    return name if name.lower().endswith(IMAGE_SUFFIXES) else name + '.png'


def input_stem(source: str) -> str:
    """The name the outputs of ``source`` are called after."""
    if source.isdigit():
        return f'webcam{source}'
    return osp.splitext(osp.basename(osp.normpath(source)))[0] or 'input'


def output_files(source: str) -> List[str]:
    """The files a run on ``source`` writes, relative to ``--out-dir``."""
    stem = input_stem(source)
    files = [f'{stem}_predictions.json', f'{stem}_coco.json']
    if osp.isdir(source):
        files += [drawn_name(name) for name in folder_images(source)[0]]
    elif is_image_file(source):
        files.append(drawn_name(osp.basename(source)))
    else:
        files.append(f'{stem}_landmarks.mp4')
    return files


def check_out_dir(source: str, out_dir: Optional[str],
                  overwrite: bool = False) -> Optional[OutputFolder]:
    """The output folder, checked before any work: refused where the
    outputs would replace the inputs (the input folder, the folder of the
    input image, or an input named like an output), where it cannot be
    written, and where files (or links) of an earlier run stand in the way
    (unless ``overwrite``). ``None`` without ``out_dir``."""
    if not out_dir:
        return None
    if osp.isdir(source):
        input_dir = source
    elif is_image_file(source):
        input_dir = osp.dirname(source) or '.'
    else:
        input_dir = None
    if input_dir is not None and osp.realpath(out_dir) == osp.realpath(
            input_dir):
        raise ValueError(
            f'--out-dir {out_dir} is the folder of the input images: the '
            'drawings would replace them; choose another folder')
    outputs = output_files(source)
    inputs = {osp.realpath(source)}
    if osp.isdir(source):  # (an --out-dir inside the input folder)
        inputs |= {osp.realpath(osp.join(source, name))
                   for name in folder_images(source)[0]}
    clash = [name for name in outputs
             if osp.realpath(osp.join(out_dir, name)) in inputs]
    if clash:
        raise ValueError(f'--out-dir {out_dir} would write over the input '
                         f'{osp.join(out_dir, clash[0])}; choose a folder '
                         'outside the inputs')
    folder = OutputFolder(out_dir, overwrite)
    folder.check_all(outputs)
    return folder


def coco_keypoints(predictions: Dict[str, List[dict]],
                   sizes: Dict[str, Tuple[int, int]]) -> dict:
    """The demo's predictions as a COCO keypoint file (the layout of
    :func:`~hih_mmpose.datasets.face_annotation`): one image per image or
    frame (``file_name`` its name, ``width``, ``height``), one annotation
    per face with its detection ``score`` and ``keypoint_scores``."""
    images, annotations = [], []
    for image_id, (name, faces) in enumerate(predictions.items(), 1):
        height, width = sizes[name]
        images.append(dict(id=image_id, file_name=name, width=width,
                           height=height))
        for face in faces:
            visible = face.get('keypoint_visible')
            annotation = face_annotation(
                len(annotations) + 1, image_id,
                np.asarray(face['keypoints']),
                None if visible is None else np.asarray(visible) >= 0.5,
                np.asarray(face['bbox']))
            annotation.update(score=face['bbox_score'],
                              keypoint_scores=face['keypoint_scores'])
            if 'track_id' in face:
                annotation['track_id'] = face['track_id']
            annotations.append(annotation)
    return dict(images=images, annotations=annotations,
                categories=[dict(id=1, name='face', supercategory='face')])


def resolve_config(config: str) -> str:
    """``--config`` as given, or, for a relative path that does not exist
    from the working folder, the repository's file of that path."""
    return resolve_repo_path(config, REPO_ROOT, '--config')


def write_outputs(folder: OutputFolder, source: str,
                  predictions: Dict[str, list],
                  sizes: Dict[str, Tuple[int, int]]) -> None:
    """The predictions JSON and the COCO keypoint JSON of what was done."""
    stem = input_stem(source)
    with open(folder.path(f'{stem}_predictions.json'), 'w') as f:
        json.dump(predictions, f)
    with open(folder.path(f'{stem}_coco.json'), 'w') as f:
        json.dump(coco_keypoints(predictions, sizes), f)


def video_fps(source: str, capture, given: Optional[float]) -> float:
    """The frame rate of a video: ``--fps`` if given, else its header's;
    a header rate outside 1-1000 frames per second (or none) is named and
    replaced by 25 (``--fps`` overrides it). 25 for images."""
    if given is not None:
        check_number('--fps', given, 0.1, 1000)
        return float(given)
    if capture is None:
        return 25.
    header = capture.get(cv2.CAP_PROP_FPS)
    if not (header and np.isfinite(header) and 1 <= header <= 1000):
        print(f'warning: the video {source} says it runs at {header} frames '
              'per second; using 25 (give --fps to set it)', file=sys.stderr)
        return 25.
    return float(header)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f'signal {signum}')


def build_landmarker(args: argparse.Namespace) -> Landmarker:
    """The runtime's landmarker on ``--model``, or ``FaceLandmarker`` (the
    runtime on a PyTorch session) on ``--config`` / ``--checkpoint``."""
    detector = args.detector
    if args.detector_weights:
        from hih_mmpose.models.detectors import MMDetFaceDetector
        detector = MMDetFaceDetector(args.detector, args.detector_weights,
                                     args.device)
    options = dict(keypoint_scheme=args.keypoint_scheme,
                   upright=not args.no_upright, flip_test=args.flip_test,
                   max_pixels=args.max_pixels)
    if args.model is not None:
        return Landmarker(args.model, detector, args.backend,
                          args.precision, **options)
    if args.precision not in (None, 'fp32') or args.backend != 'auto':
        raise ValueError('--backend / --precision choose how an exported '
                         '--model runs; --checkpoint runs PyTorch fp32 '
                         '(export it with tools/deployment/export_onnx.py)')
    from hih_mmpose.apis import FaceLandmarker
    return FaceLandmarker(resolve_config(args.config), args.checkpoint,
                          detector, device=args.device, **options)


def main() -> None:
    # SIGTERM (timeout, kill, job schedulers) ends the run as Ctrl-C does:
    # the predictions of what was done are written
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        run()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run() -> None:
    """The demo (see the module)."""
    args = parse_args()
    check_number('--kpt-thr', args.kpt_thr, 0, 1)
    check_number('--bbox-thr', args.bbox_thr, 0, 1)
    check_number('--min-score', args.min_score, 0)
    if args.max_pixels is not None:
        check_number('--max-pixels', args.max_pixels, 1, integer=True)
    check_number('--batch-images', args.batch_images, 1, integer=True)
    make_filter = smoothing(args.smooth, args.one_euro)
    if make_filter is not None and args.no_tracking:
        raise ValueError('--smooth / --one-euro smooth tracked faces: '
                         'drop --no-tracking')
    if (args.model is None) == (args.checkpoint is None):
        raise ValueError('give --checkpoint (with --config) or --model (an '
                         'exported model), one of them')
    folder = check_out_dir(args.input, args.out_dir, args.overwrite)
    if folder is None and not args.show:
        print('note: neither --out-dir nor --show is given: nothing will be '
              'saved or shown, only the counts printed at the end',
              file=sys.stderr)
    skipped: List[str] = []
    stream, count, capture = frames(args.input, args.max_pixels,
                                    skipped=skipped)
    fps = video_fps(args.input, capture, args.fps)  # (before the model)
    landmarker = build_landmarker(args)
    landmarker.bbox_thr = args.bbox_thr
    print(f'landmarker: {landmarker.describe()}', file=sys.stderr)
    run = landmarker
    if capture is not None and not args.no_tracking:
        run = FaceTracker(landmarker, min_score=args.min_score,
                          redetect_every=args.redetect_every,
                          smoothing=make_filter, fps=fps)
    frame_rate = None  # frames per second, a moving average
    last_frame_end = None
    predictions: Dict[str, list] = {}
    sizes: Dict[str, Tuple[int, int]] = {}
    writer = None
    quit_by_user = False
    try:
        for name, frame, faces in landmark_stream(
                tqdm(stream, total=count, unit='frame'), run,
                args.batch_images if capture is None else 1):
            predictions[name] = to_json(faces)
            sizes[name] = frame.shape[:2]
            canvas = draw(frame, faces, args.kpt_thr)
            if capture is not None:
                # the whole loop: reading, detection, landmarks, drawing,
                # writing / showing (of the previous frame)
                now = time.perf_counter()
                if last_frame_end is not None:
                    rate = 1 / max(now - last_frame_end, 1e-6)
                    frame_rate = rate if frame_rate is None else (
                        0.9 * frame_rate + 0.1 * rate)
                    draw_fps(canvas, frame_rate)
                last_frame_end = now
            if folder is not None and capture is None:
                path = folder.path(drawn_name(name))
                if not cv2.imwrite(path, canvas):
                    raise OSError(f'could not write the drawing {path}')
            elif folder is not None:
                if writer is None:
                    path = folder.path(
                        f'{input_stem(args.input)}_landmarks.mp4')
                    writer = cv2.VideoWriter(
                        path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                        canvas.shape[1::-1])
                    if not writer.isOpened():
                        raise OSError(f'could not open the video {path} '
                                      'for writing')
                writer.write(canvas)
            if args.show:
                cv2.imshow('hih_mmpose', canvas)
                if cv2.waitKey(1 if capture is not None else 0) & 0xFF in (
                        ord('q'), 27):
                    quit_by_user = True
                    break
    except KeyboardInterrupt:  # Ctrl-C: keep what was done
        quit_by_user = True
        print(f'\ninterrupted: keeping the {len(predictions)} image(s)/'
              'frame(s) done', file=sys.stderr)
    finally:
        # whatever stopped the loop, the work done is written
        if writer is not None:
            writer.release()
        if capture is not None:
            capture.release()
        if folder is not None:
            write_outputs(folder, args.input, predictions, sizes)
    if capture is not None and count and len(
            predictions) < count and not quit_by_user:
        print(f'warning: the video ended after {len(predictions)} of the '
              f'{count} frames its header announces (a truncated file '
              'or a stream that stopped); the frames read are kept',
              file=sys.stderr)
    faces_found = sum(len(faces) for faces in predictions.values())
    print(f'{len(predictions)} image(s)/frame(s), {faces_found} face(s)'
          + (f'; results in {args.out_dir}' if args.out_dir else '')
          + (f'; {len(skipped)} skipped' if skipped else ''),
          file=sys.stderr)
    if skipped:
        print('skipped:\n  ' + '\n  '.join(skipped), file=sys.stderr)


if __name__ == '__main__':
    main()

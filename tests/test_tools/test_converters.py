# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Converters on tiny hand-made files in the real release formats, loaded
back with mmpose's own dataset classes."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from scipy.io import savemat

from mmpose.datasets import COFWDataset, Face300WDataset, WFLWDataset
from mmpose.datasets.transforms import TopdownAffine
from converters.cofw import convert_cofw
from converters.crops import crop_center_scale, landmark_box, published_crop
from converters.face300w import convert_300w, read_pts
from converters.wflw import convert_wflw


def write_image(path: str, width: int = 120, height: int = 100) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    cv2.imwrite(path, np.full((height, width, 3), 128, np.uint8))


def wflw_line(points, rect, attributes, name) -> str:
    values = list(np.ravel(points)) + list(rect) + list(attributes)
    return ' '.join(f'{v:g}' for v in values) + f' {name}\n'


@pytest.fixture
def wflw_release(tmp_path):
    rng = np.random.default_rng(0)
    faces = [rng.uniform(10, 90, (98, 2)) for _ in range(3)]
    lines = [
        wflw_line(faces[0], [5, 6, 95, 96], [1, 0, 0, 0, 1, 0], 'e/a.jpg'),
        wflw_line(faces[1], [8, 8, 92, 93], [0, 0, 0, 0, 1, 0], 'e/a.jpg'),
        wflw_line(faces[2], [3, 4, 99, 97], [0, 1, 0, 0, 0, 1], 'e/b.jpg'),
    ]
    (tmp_path / 'list.txt').write_text(''.join(lines))
    write_image(str(tmp_path / 'images' / 'e' / 'a.jpg'))
    write_image(str(tmp_path / 'images' / 'e' / 'b.jpg'), 140, 110)
    return tmp_path, faces


def test_wflw_converter(wflw_release):
    root, faces = wflw_release
    written = convert_wflw(str(root / 'list.txt'), str(root / 'images'),
                           str(root / 'ann' / 'test.json'), subsets=True)
    dataset = WFLWDataset(ann_file=written['all'], data_root='',
                          data_prefix=dict(img=str(root / 'images') + '/'),
                          test_mode=True)
    assert len(dataset) == 3
    with open(written['all']) as f:
        coco = json.load(f)
    assert len(coco['images']) == 2  # two faces share image a.jpg
    assert coco['images'][1]['width'] == 140
    for index, face in enumerate(faces):
        item = dataset.get_data_info(index)
        np.testing.assert_allclose(item['keypoints'][0], face, atol=1e-4)
        assert osp.isfile(item['img_path'])
        # mmpose's crop: the landmarks' box, square on its longer side
        box = landmark_box(face)
        np.testing.assert_allclose(item['bbox_center'][0],
                                   (box[:2] + box[2:]) / 2, atol=1e-4)
        assert item['bbox_scale'][0, 0] == pytest.approx(
            max(box[2] - box[0], box[3] - box[1]))
    counts = {}
    for name, path in written.items():
        with open(path) as f:
            counts[name] = len(json.load(f)['annotations'])
    assert counts == dict(all=3, largepose=1, expression=1, illumination=0,
                          makeup=0, occlusion=2, blur=1)
    largepose = WFLWDataset(ann_file=written['largepose'], data_root='',
                            test_mode=True)
    np.testing.assert_allclose(largepose.get_data_info(0)['keypoints'][0],
                               faces[0], atol=1e-4)


def test_wflw_published_protocol(wflw_release):
    """--crop published --published-labels: the published square crop and
    the landmarks half a pixel up-left, as the published labels place them."""
    root, faces = wflw_release
    written = convert_wflw(str(root / 'list.txt'), str(root / 'images'),
                           str(root / 'pub' / 'test.json'), crop='published',
                           published_labels=True)
    dataset = WFLWDataset(ann_file=written['all'], data_root='',
                          test_mode=True)
    rect = np.array([5, 6, 95, 96])
    x0, y0, side = published_crop(faces[0], rect)
    item = dataset.get_data_info(0)
    np.testing.assert_allclose(item['keypoints'][0], faces[0] - 0.5,
                               atol=1e-4)
    np.testing.assert_allclose(
        item['bbox_center'][0],
        [x0 + side / 2 - 0.5 + side / 512, y0 + side / 2 - 0.5 + side / 512],
        atol=1e-4)
    assert item['bbox_scale'][0, 0] == pytest.approx(side / 1.25)


def test_wflw_bad_input(tmp_path, wflw_release):
    root, _ = wflw_release
    lines = (root / 'list.txt').read_text().splitlines()
    (tmp_path / 'short.txt').write_text(lines[0] + '\n' + ' '.join(
        lines[1].split()[1:]) + '\n')
    with pytest.raises(ValueError, match=r'short.txt:2: expected 207'):
        convert_wflw(str(tmp_path / 'short.txt'), str(root / 'images'),
                     str(tmp_path / 'x.json'))
    (tmp_path / 'text.txt').write_text(lines[0].replace('5 6 95', '5 six 95'))
    with pytest.raises(ValueError, match='text.txt:1'):
        convert_wflw(str(tmp_path / 'text.txt'), str(root / 'images'),
                     str(tmp_path / 'x.json'))
    (tmp_path / 'missing.txt').write_text(lines[0].replace('e/a.jpg',
                                                           'e/zz.jpg'))
    with pytest.raises(FileNotFoundError, match='zz.jpg'):
        convert_wflw(str(tmp_path / 'missing.txt'), str(root / 'images'),
                     str(tmp_path / 'x.json'))


def test_published_crop_hand_computed():
    points = np.array([[10.4, 20.2], [50.7, 70.9], [30., 40.]])
    # with the rectangle: min (5, 15), max (55, 80) -> wh (51, 66), centre
    # int(5 + 25.5, 15 + 33) = (30, 48), side int(1.2 * 66) = 79
    assert published_crop(points, np.array([5, 15, 55, 80])) == (-9, 9, 79)
    # landmarks only: min (10, 20), max (50, 70) -> wh (41, 51), centre
    # (30, 45), side int(61.2) = 61
    assert published_crop(points) == (0, 15, 61)


def test_published_crop_matches_a_resized_crop():
    """TopdownAffine with the written center/scale samples the same pixels
    as cropping (zero padding) and resizing, as the published data were
    made; half a pixel off is measurably worse."""
    rng = np.random.default_rng(0)
    image = cv2.GaussianBlur(
        rng.uniform(0, 255, (200, 180, 3)).astype(np.float32), (0, 0), 3)
    points = np.array([[40.3, 60.8], [120.6, 150.2]])
    x0, y0, side = published_crop(points)
    padded = np.zeros((side, side, 3), np.float32)
    ys, xs = slice(max(y0, 0), min(y0 + side, 200)), slice(
        max(x0, 0), min(x0 + side, 180))
    padded[ys.start - y0:ys.stop - y0,
           xs.start - x0:xs.stop - x0] = image[ys, xs]
    reference = cv2.resize(padded, (256, 256), interpolation=cv2.INTER_LINEAR)
    center, scale = crop_center_scale(landmark_box(points), 'published',
                                      points)

    def warped(offset):
        results = dict(
            img=image.copy(), bbox_center=(center + offset)[None],
            bbox_scale=np.full((1, 2), scale * 200 * 1.25))
        return TopdownAffine(input_size=(256, 256))(results)['img']

    # compare away from the zero-padded border, where both interpolate
    inner = (slice(8, -8), slice(8, -8))
    error = np.abs(warped(0.)[inner] - reference[inner]).mean()
    shifted = np.abs(warped(0.5)[inner] - reference[inner]).mean()
    assert error < 0.05, error
    assert shifted > 5 * error


def write_pts(path: str, points: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    body = '\n'.join(f'{x:.3f} {y:.3f}' for x, y in points)
    with open(path, 'w') as f:
        f.write(f'version: 1\nn_points:  {len(points)}\n{{\n{body}\n}}\n')


def test_300w_converter(tmp_path):
    rng = np.random.default_rng(1)
    faces = {}
    for folder in ('helen/testset', 'lfpw/testset', 'ibug'):
        points = rng.uniform(5, 95, (68, 2))
        write_pts(str(tmp_path / folder / 'img_1.pts'), points)
        write_image(str(tmp_path / folder / 'img_1.jpg'))
        faces[folder] = points
    np.testing.assert_allclose(read_pts(str(tmp_path / 'ibug' / 'img_1.pts')),
                               faces['ibug'] - 1, atol=1e-3)
    written = convert_300w(str(tmp_path), str(tmp_path / 'ann'),
                           ['valid', 'valid_common', 'valid_challenge'])
    sizes = {}
    for split, path in written.items():
        dataset = Face300WDataset(ann_file=path, data_root='',
                                  data_prefix=dict(img=str(tmp_path) + '/'),
                                  test_mode=True)
        sizes[split] = len(dataset)
        assert osp.isfile(dataset.get_data_info(0)['img_path'])
    assert sizes == dict(valid=3, valid_common=2, valid_challenge=1)
    challenge = Face300WDataset(ann_file=written['valid_challenge'],
                                data_root='', test_mode=True)
    np.testing.assert_allclose(challenge.get_data_info(0)['keypoints'][0],
                               faces['ibug'] - 1, atol=1e-3)
    with pytest.raises(FileNotFoundError, match='afw'):
        convert_300w(str(tmp_path), str(tmp_path / 'ann'), ['train'])


def test_300w_bad_files(tmp_path):
    write_pts(str(tmp_path / 'a.pts'), np.zeros((98, 2)))  # a WFLW face
    with pytest.raises(ValueError, match='expected 68 points'):
        read_pts(str(tmp_path / 'a.pts'))
    (tmp_path / 'b.pts').write_text('version: 1\nn_points: 68\n1 2\n')
    with pytest.raises(ValueError, match='not an iBUG .pts file'):
        read_pts(str(tmp_path / 'b.pts'))


def cofw_arrays(rng):
    images = np.empty((1, 2), dtype=object)
    images[0, 0] = rng.integers(0, 255, (90, 80, 3), dtype=np.uint8)
    images[0, 1] = rng.integers(0, 255, (70, 60), dtype=np.uint8)  # gray
    phis = np.zeros((2, 87))
    phis[:, :58] = rng.uniform(10, 50, (2, 58))
    phis[0, 58 + 3] = 1  # landmark 3 of face 0 occluded
    return images, phis


def convert_variants(tmp_path, variants: dict, phis) -> None:
    """Save each ``name -> images`` COFW variant as ``<name>.mat`` and
    convert its test split into ``tmp_path / name``."""
    for name, data in variants.items():
        savemat(str(tmp_path / f'{name}.mat'),
                dict(IsT=data, phisT=phis, bboxesT=np.ones((2, 4))))
        convert_cofw(str(tmp_path / f'{name}.mat'), 'test',
                     str(tmp_path / name))


def check_cofw(path, phis, root):
    dataset = COFWDataset(ann_file=path, data_root='',
                          data_prefix=dict(img=str(root / 'images') + '/'),
                          test_mode=True)
    assert len(dataset) == 2
    for index in range(2):
        item = dataset.get_data_info(index)
        expected = np.column_stack([phis[index, :29],
                                    phis[index, 29:58]]) - 1
        np.testing.assert_allclose(item['keypoints'][0], expected,
                                   atol=1e-4)
        assert cv2.imread(item['img_path']) is not None
    with open(path) as f:
        flags = np.reshape(json.load(f)['annotations'][0]['keypoints'],
                           (-1, 3))[:, 2]
    assert flags[3] == 1 and (np.delete(flags, 3) == 2).all()


def test_cofw_converter_scipy_and_hdf5(tmp_path):
    rng = np.random.default_rng(2)
    images, phis = cofw_arrays(rng)
    savemat(str(tmp_path / 'v5.mat'), dict(IsT=images, phisT=phis,
                                           bboxesT=np.ones((2, 4))))
    written = convert_cofw(str(tmp_path / 'v5.mat'), 'test',
                           str(tmp_path / 'v5'))
    check_cofw(written['test'], phis, tmp_path / 'v5')

    # MATLAB v7.3 layout: column-major arrays, cell arrays as references
    import h5py
    with h5py.File(str(tmp_path / 'v73.mat'), 'w') as f:
        refs = [f.create_dataset(f'refs/{i}', data=image.T).ref
                for i, image in enumerate(images.ravel())]
        f.create_dataset('IsTr', data=np.array(refs, dtype=h5py.ref_dtype))
        f.create_dataset('phisTr', data=phis.T)
    written = convert_cofw(str(tmp_path / 'v73.mat'), 'train',
                           str(tmp_path / 'v73'))
    check_cofw(written['train'], phis, tmp_path / 'v73')

    savemat(str(tmp_path / 'other.mat'), dict(IsT=images, phisT=phis[:, :58]))
    with pytest.raises(ValueError, match='N x 87'):
        convert_cofw(str(tmp_path / 'other.mat'), 'test', str(tmp_path))
    with pytest.raises(ValueError, match='no variable'):
        convert_cofw(str(tmp_path / 'other.mat'), 'train', str(tmp_path))
    (tmp_path / 'list.mat').write_text('0001.jpg 1 2 3\n')  # not a .mat
    with pytest.raises(ValueError, match=r'list\.mat is not a MATLAB \.mat'):
        convert_cofw(str(tmp_path / 'list.mat'), 'test', str(tmp_path))


def test_cofw_float_images_are_scaled(tmp_path):
    """COFW .mat files holding float images in [0, 1] (as MATLAB's
    im2double writes them) convert to the same PNGs as uint8 ones, not to
    black images; values outside [0, 255] are an error."""
    rng = np.random.default_rng(3)
    images, phis = cofw_arrays(rng)
    as_float = np.empty_like(images)
    for index, image in enumerate(images.ravel()):
        as_float[0, index] = image.astype(np.float64) / 255
    convert_variants(tmp_path, dict(uint8=images, float=as_float), phis)
    for file_name in ('000001.png', '000002.png'):
        reference = cv2.imread(
            str(tmp_path / 'uint8' / 'images' / 'test' / file_name))
        converted = cv2.imread(
            str(tmp_path / 'float' / 'images' / 'test' / file_name))
        assert reference.max() > 0
        np.testing.assert_array_equal(converted, reference)
    bad = np.empty_like(images)
    for index, image in enumerate(images.ravel()):
        bad[0, index] = image.astype(np.float64) * 4  # up to 1020
    savemat(str(tmp_path / 'bad.mat'),
            dict(IsT=bad, phisT=phis, bboxesT=np.ones((2, 4))))
    with pytest.raises(ValueError, match=r'image 1: pixel values in \[0, '):
        convert_cofw(str(tmp_path / 'bad.mat'), 'test', str(tmp_path / 'b'))


def test_300w_extensions_in_any_case(tmp_path):
    """.PTS files and .JPG / .PNG images (as some copies of the release
    have them) are found like lower-case ones."""
    rng = np.random.default_rng(4)
    points = rng.uniform(5, 95, (68, 2))
    write_pts(str(tmp_path / 'ibug' / 'img_1.PTS'), points)
    write_image(str(tmp_path / 'ibug' / 'img_1.JPG'))
    write_pts(str(tmp_path / 'ibug' / 'img_2.pts'), points)
    write_image(str(tmp_path / 'ibug' / 'img_2.PNG'))
    written = convert_300w(str(tmp_path), str(tmp_path / 'ann'),
                           ['valid_challenge'])
    with open(written['valid_challenge']) as f:
        names = [image['file_name'] for image in json.load(f)['images']]
    assert names == ['ibug/img_1.JPG', 'ibug/img_2.PNG']
    os.remove(tmp_path / 'ibug' / 'img_2.PNG')
    with pytest.raises(FileNotFoundError, match=r'no image beside .*img_2'):
        convert_300w(str(tmp_path), str(tmp_path / 'ann'),
                     ['valid_challenge'])


def test_converters_refuse_huge_images(tmp_path, png_header):
    """An image whose header announces more pixels than the limit stops
    the converter (training would decode it) with its size."""
    points = np.random.default_rng(5).uniform(5, 95, (68, 2))
    write_pts(str(tmp_path / 'ibug' / 'img_1.pts'), points)
    png_header(str(tmp_path / 'ibug' / 'img_1.png'), 30000, 30000)
    with pytest.raises(ValueError, match='30000 x 30000 = 900,000,000'):
        convert_300w(str(tmp_path), str(tmp_path / 'ann'),
                     ['valid_challenge'])
    assert not list(tmp_path.glob('ann/*.json'))


def test_converters_never_write_through_links(wflw_release, tmp_path):
    """A link planted where a converter's annotation file goes (to a file
    elsewhere, or dangling) is refused; its target is left as it is."""
    root, _ = wflw_release
    victim = tmp_path / 'victim.json'
    victim.write_text('keep me')
    out = tmp_path / 'annotations'
    out.mkdir()
    os.symlink(victim, out / 'train.json')
    os.symlink(tmp_path / 'nowhere.json', out / 'test.json')
    for name in ('train.json', 'test.json'):
        with pytest.raises(FileExistsError, match='never written through'):
            convert_wflw(str(root / 'list.txt'), str(root / 'images'),
                         str(out / name))
    assert victim.read_text() == 'keep me'
    assert not os.path.lexists(tmp_path / 'nowhere.json')


def test_cofw_images_stored_channels_first(tmp_path):
    """COFW images stored 3 x H x W are read as the H x W x 3 image they
    are (the same pixels as the channels-last file); other shapes are named
    (it used to be cv2's "Bad number of channels")."""
    rng = np.random.default_rng(2)
    images, phis = cofw_arrays(rng)
    first = images.copy()
    first[0, 0] = np.ascontiguousarray(images[0, 0].transpose(2, 0, 1))
    convert_variants(tmp_path, dict(last=images, first=first), phis)
    for index in ('000001', '000002'):
        a = cv2.imread(str(tmp_path / 'last' / 'images' / 'test' /
                           f'{index}.png'), cv2.IMREAD_UNCHANGED)
        b = cv2.imread(str(tmp_path / 'first' / 'images' / 'test' /
                           f'{index}.png'), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(a, b)
    odd = images.copy()
    odd[0, 0] = rng.integers(0, 255, (90, 80, 5), dtype=np.uint8)
    savemat(str(tmp_path / 'odd.mat'), dict(IsT=odd, phisT=phis))
    with pytest.raises(ValueError, match=r'odd\.mat: image 1: expected a '
                       r'gray \(H, W\) or colour \(H, W, 3\) image, got '
                       r'shape \(90, 80, 5\)'):
        convert_cofw(str(tmp_path / 'odd.mat'), 'test', str(tmp_path / 'o'))


def test_split_annotations_holds_out_whole_images(tmp_path):
    """tools/dataset_converters/split_annotations.py: every image and face
    lands in exactly one part, faces stay with their image, mmpose's
    WFLWDataset reads both parts, and the input file is unchanged."""
    import subprocess
    import sys
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    os.makedirs(osp.join(tmp_path, 'images'))
    images, annotations = [], []
    for index in range(10):
        write_image(osp.join(tmp_path, 'images', f'{index}.png'))
        images.append(dict(id=index, file_name=f'{index}.png', height=100,
                           width=120))
        points = np.random.default_rng(index).uniform(20, 80, (98, 2))
        annotations.append(dict(
            id=index, image_id=index, category_id=1, iscrowd=0,
            num_keypoints=98, area=3600., bbox=[20, 20, 60, 60],
            keypoints=np.column_stack([points, np.full(98, 2.)]).ravel()
            .tolist(), center=[50., 50.], scale=0.3))
    # a second face in image 3
    annotations.append(dict(annotations[3], id=999))
    coco = dict(images=images, annotations=annotations,
                categories=[dict(id=1, name='face')])
    ann = osp.join(tmp_path, 'faces.json')
    with open(ann, 'w') as f:
        json.dump(coco, f)
    subprocess.run([
        sys.executable,
        osp.join(repo, 'tools/dataset_converters/split_annotations.py'),
        ann, '--fraction', '0.3'
    ], check=True, capture_output=True)
    stem = osp.splitext(ann)[0]
    fit, val = (json.load(open(f'{stem}_{part}.json'))
                for part in ('fit', 'val'))
    assert len(val['images']) == 3 and len(fit['images']) == 7
    ids = [im['id'] for im in fit['images'] + val['images']]
    assert sorted(ids) == sorted(im['id'] for im in coco['images'])
    for part in (fit, val):
        own = {im['id'] for im in part['images']}
        assert all(a['image_id'] in own for a in part['annotations'])
    assert len(fit['annotations']) + len(val['annotations']) == 11
    assert json.load(open(ann)) == coco
    for part in ('fit', 'val'):
        dataset = WFLWDataset(
            ann_file=f'{stem}_{part}.json', data_root='',
            data_prefix=dict(img=str(tmp_path) + '/images/'),
            test_mode=True, pipeline=[])
        assert len(dataset) == len((fit, val)[part == 'val']['annotations'])
